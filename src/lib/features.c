#include "config.h"

#include "cinch/features.h"
#include "cinch/util.h"

char *cinch_features_json(void)
{
	struct cinch_buf b = {0};
	/* Lists are empty, not null, where cinch knowingly supports nothing
	 * yet: null would mean "unknown" to a caller (features.md). */
	cinch_buf_puts(&b, "{\n"
			   "  \"ociVersionMin\": \"" CINCH_OCI_VERSION_MIN "\",\n"
			   "  \"ociVersionMax\": \"" CINCH_OCI_VERSION_MAX "\",\n"
			   "  \"hooks\": [],\n"
			   "  \"mountOptions\": [],\n"
			   "  \"linux\": {\n"
			   "    \"namespaces\": [],\n"
			   "    \"capabilities\": [],\n"
			   "    \"cgroup\": {\"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false, "
			   "\"rdma\": false},\n"
			   "    \"seccomp\": {\"enabled\": false},\n"
			   "    \"apparmor\": {\"enabled\": false},\n"
			   "    \"selinux\": {\"enabled\": false},\n"
			   "    \"intelRdt\": {\"enabled\": false},\n"
			   "    \"mountExtensions\": {\"idmap\": {\"enabled\": false}}\n"
			   "  },\n"
			   "  \"annotations\": {\n"
			   "    \"org.cinch.version\": \"" PACKAGE_VERSION "\"\n"
			   "  }\n"
			   "}\n");
	return cinch_buf_steal(&b);
}

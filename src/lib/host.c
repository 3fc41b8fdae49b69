/* What the host offers that a config may ask for, and the notes for what it
 * lacks.  Probing touches /sys; checking is pure. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cinch/spec.h"
#include "cinch/util.h"

void cinch_host_features_probe(struct cinch_host_features *out)
{
	out->apparmor = false;
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
	if (f) {
		out->apparmor = fgetc(f) == 'Y';
		fclose(f);
	}
	out->selinux = access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static void add_note(struct cinch_spec *spec, const char *text)
{
	struct cinch_strv *n = &spec->notes;
	n->items = xrealloc(n->items, (n->n + 2) * sizeof(char *));
	n->items[n->n++] = xstrdup(text);
	n->items[n->n] = NULL;
}

void cinch_spec_check_host(struct cinch_spec *spec, const struct cinch_host_features *host)
{
	if (spec->has_process && spec->process.apparmor_profile && spec->process.apparmor_profile[0] && !host->apparmor)
		add_note(spec, "process.apparmorProfile: AppArmor is not enabled on this host");
	if (spec->has_process && spec->process.selinux_label && spec->process.selinux_label[0] && !host->selinux)
		add_note(spec, "process.selinuxLabel: SELinux is not enabled on this host");
	if (spec->has_linux && spec->linux_.mount_label && spec->linux_.mount_label[0] && !host->selinux)
		add_note(spec, "linux.mountLabel: SELinux is not enabled on this host");
}

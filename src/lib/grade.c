/* grade: the controls `cinch check` grades a bundle against, and the
 * report.  See include/cinch/grade.h for what the module owns. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/caps.h"
#include "cinch/error.h"
#include "cinch/grade.h"
#include "cinch/mounts.h"
#include "cinch/profile.h"
#include "cinch/spec.h"
#include "cinch/util.h"

/* ---- names ---------------------------------------------------------- */

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *cinch_severity_name(enum cinch_severity sev)
{
	return (size_t)sev < ARRAY_SIZE(severity_names) ? severity_names[sev] : "?";
}

int cinch_severity_parse(const char *s, enum cinch_severity *out, struct cinch_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(severity_names); i++)
		if (strcasecmp(s, severity_names[i]) == 0) {
			*out = (enum cinch_severity)i;
			return 0;
		}
	return cinch_error_set(err, 0, "severity \"%s\": expected info, low, medium, high or critical", s);
}

const char *cinch_verdict_name(enum cinch_verdict v)
{
	switch (v) {
	case CINCH_VERDICT_PASS:
		return "pass";
	case CINCH_VERDICT_FAIL:
		return "fail";
	case CINCH_VERDICT_FIXED:
		return "fixed-by-policy";
	}
	return "?";
}

int cinch_grade_format_parse(const char *s, enum cinch_grade_format *out, struct cinch_error **err)
{
	static const char *const names[] = {"table", "json", "sarif"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum cinch_grade_format)i;
			return 0;
		}
	return cinch_error_set(err, 0, "format \"%s\": expected table, json or sarif", s);
}

/* ---- the list ------------------------------------------------------- */

static void findings_add(struct cinch_findings *f, const char *id, enum cinch_severity sev, enum cinch_verdict v,
                         char *what, const char *fix, const char *standard)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 32;
		f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	f->items[f->n++] = (struct cinch_finding){id, sev, v, what, fix, standard};
}

void cinch_findings_free(struct cinch_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i].what);
	free(f->items);
	*f = (struct cinch_findings){0};
}

bool cinch_findings_fail(const struct cinch_findings *f, enum cinch_severity at_least)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].verdict == CINCH_VERDICT_FAIL && f->items[i].sev >= at_least)
			return true;
	return false;
}

/* ---- text from the config or the rootfs ----------------------------- */

/* The length of the valid UTF-8 sequence at p, or 0.  C1 controls
 * (U+0080..U+009F) count as invalid: some terminals obey them. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t min;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, min = 0xa0;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, min = 0x10000;
	else
		return 0;
	uint32_t cp = p[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Appends untrusted text: control bytes, backslash and bytes that are not
 * valid UTF-8 become \xNN, so the text is printable and valid UTF-8. */
static void put_text(struct cinch_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f || *p == '\\'))) {
			cinch_buf_printf(b, "\\x%02x", *p);
			p++;
			continue;
		}
		cinch_buf_append(b, (const char *)p, n);
		p += n;
	}
}

static void put_sep(struct cinch_buf *b, size_t *count)
{
	if ((*count)++ > 0)
		cinch_buf_puts(b, ", ");
}

/* ---- facts read from one spec --------------------------------------- */

static const char *annotation(const struct cinch_spec *s, const char *key)
{
	for (size_t i = 0; i < s->annotations.n; i++)
		if (strcmp(s->annotations.items[i].key, key) == 0)
			return s->annotations.items[i].value;
	return NULL;
}

/* Every capability any of the five sets lists.  The bounding set counts
 * too: under cinch's forced no_new_privs an exec cannot gain from it, but
 * the same config under another runtime lets a setuid or file-capability
 * exec do so.  Absent sets grant nothing in cinch (process.c). */
static uint64_t caps_listed(const struct cinch_spec *s)
{
	if (!s->has_process || !s->process.has_capabilities)
		return 0;
	const struct cinch_spec_capabilities *c = &s->process.capabilities;
	return c->bounding.mask | c->effective.mask | c->inheritable.mask | c->permitted.mask | c->ambient.mask;
}

static void put_caps(struct cinch_buf *b, uint64_t mask)
{
	size_t count = 0;
	for (int cap = 0; cap <= CINCH_CAP_LAST; cap++)
		if (mask & (UINT64_C(1) << cap)) {
			put_sep(b, &count);
			cinch_buf_puts(b, cinch_cap_name(cap));
		}
}

enum ns_state { NS_HOST, NS_HOST_PATH, NS_OWN, NS_JOINED };

/* A namespace the config does not list is the host's.  A path is the
 * host's when it names pid 1's or the runtime's own; any other path joins
 * a namespace this pure check cannot identify, and is taken as not the
 * host's (`create` checks the fd itself: hostns.h). */
static enum ns_state ns_state(const struct cinch_spec *s, int type, const char **path)
{
	*path = NULL;
	for (size_t i = 0; i < s->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &s->linux_.namespaces.items[i];
		if (ns->type != type)
			continue;
		*path = ns->path;
		if (ns->path == NULL || ns->path[0] == '\0')
			return NS_OWN;
		if (cinch_str_has_prefix(ns->path, "/proc/1/ns/") || cinch_str_has_prefix(ns->path, "/proc/self/ns/") ||
		    cinch_str_has_prefix(ns->path, "/proc/thread-self/ns/"))
			return NS_HOST_PATH;
		return NS_JOINED;
	}
	return NS_HOST;
}

/* Appends "pid: the host's" and the like; true when it is the host's. */
static bool put_ns(struct cinch_buf *b, const struct cinch_spec *s, int type)
{
	const char *path;
	enum ns_state st = ns_state(s, type, &path);
	cinch_buf_printf(b, "%s: ", cinch_ns_type_name(type));
	switch (st) {
	case NS_HOST:
		cinch_buf_puts(b, "absent, so the host's");
		return true;
	case NS_HOST_PATH:
		put_text(b, path);
		cinch_buf_puts(b, " is the host's");
		return true;
	case NS_OWN:
		cinch_buf_puts(b, "its own");
		return false;
	case NS_JOINED:
		cinch_buf_puts(b, "joins ");
		put_text(b, path);
		return false;
	}
	return false;
}

/* "/a//b/../c/" -> "/a/c", lexically (host symlinks cannot be seen from
 * a pure function).  Only absolute paths; the result is malloc'd. */
static char *clean_path(const char *p)
{
	size_t n = strlen(p);
	char *out = xmalloc(n + 2);
	size_t len = 0;
	const char *c = p;
	while (*c) {
		while (*c == '/')
			c++;
		const char *end = strchrnul(c, '/');
		size_t clen = (size_t)(end - c);
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (clen > 0 && !(clen == 1 && c[0] == '.')) {
			out[len++] = '/';
			memcpy(out + len, c, clen);
			len += clen;
		}
		c = end;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/* Whether path is dir or lies below it (both clean). */
static bool path_within(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return true;
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool has_option(const struct cinch_spec_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.items[i], opt) == 0)
			return true;
	return false;
}

static bool is_bind(const struct cinch_spec_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || has_option(m, "bind") || has_option(m, "rbind");
}

/* The last of "ro" and "rw" wins, as in mount(8). */
static bool is_readonly(const struct cinch_spec_mount *m)
{
	bool ro = false;
	for (size_t i = 0; i < m->options.n; i++) {
		if (strcmp(m->options.items[i], "ro") == 0)
			ro = true;
		else if (strcmp(m->options.items[i], "rw") == 0)
			ro = false;
	}
	return ro;
}

/* The host source of a bind mount, cleaned; NULL for anything else
 * (a relative source is inside the bundle). */
static char *bind_source(const struct cinch_spec_mount *m)
{
	if (!is_bind(m) || m->source == NULL || m->source[0] != '/')
		return NULL;
	return clean_path(m->source);
}

static void put_mount(struct cinch_buf *b, const struct cinch_spec *s, size_t i)
{
	cinch_buf_printf(b, "mounts[%zu] (", i);
	put_text(b, s->mounts.items[i].source ? s->mounts.items[i].source : "");
	cinch_buf_puts(b, " on ");
	put_text(b, s->mounts.items[i].destination ? s->mounts.items[i].destination : "");
	cinch_buf_puts(b, ")");
}

static bool listed(const struct cinch_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

/* ---- controls ------------------------------------------------------- */

struct control;
/* Judges one spec: true when it is bad.  Either way it writes what it saw
 * (the JSON path and the value) to *b.  `effective` is set when the spec is
 * the effective config, for facts the runtime adds to it. */
typedef bool judge_fn(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b);

struct control {
	const char *id;
	enum cinch_severity sev;
	judge_fn *bad;
	uint64_t arg; /* the judge's parameter: a namespace type or a capability mask */
	const char *fix;
	const char *standard;
};

#define CAP(x) (UINT64_C(1) << CAP_##x)
/* What PSS baseline lets a pod add ("Capabilities" control). */
#define CAPS_PSS_BASELINE                                                                                              \
	(CAP(AUDIT_WRITE) | CAP(CHOWN) | CAP(DAC_OVERRIDE) | CAP(FOWNER) | CAP(FSETID) | CAP(KILL) | CAP(MKNOD) |      \
	 CAP(NET_BIND_SERVICE) | CAP(SETFCAP) | CAP(SETGID) | CAP(SETPCAP) | CAP(SETUID) | CAP(SYS_CHROOT))
/* Docker's default set, against which CIS 5.3 counts "added" ones. */
#define CAPS_DOCKER_DEFAULT (CAPS_PSS_BASELINE | CAP(NET_RAW))
/* PSS restricted: drop ALL, add back at most NET_BIND_SERVICE. */
#define CAPS_PSS_RESTRICTED CAP(NET_BIND_SERVICE)
/* Every capability up to CAP_AUDIT_READ (Linux 3.16): what a privileged
 * container gets even from an engine that predates the newer ones. */
#define CAPS_ALL_CLASSIC ((UINT64_C(1) << (CAP_AUDIT_READ + 1)) - 1)

static bool judge_caps_beyond(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)effective;
	uint64_t caps = caps_listed(s);
	uint64_t extra = caps & ~c->arg;
	cinch_buf_puts(b, "process.capabilities: ");
	if (extra) {
		put_caps(b, extra);
		cinch_buf_puts(b, " beyond the allowed set");
	} else if (caps) {
		put_caps(b, caps);
		cinch_buf_puts(b, ", all within the allowed set");
	} else {
		cinch_buf_puts(b, "none");
	}
	return extra != 0;
}

static bool judge_privileged(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	uint64_t caps = caps_listed(s);
	bool all = (caps & CAPS_ALL_CLASSIC) == CAPS_ALL_CLASSIC;
	cinch_buf_printf(b, "process.capabilities: %d capabilities listed%s", __builtin_popcountll(caps),
	                 all ? ", every one: the container is privileged" : "");
	return all;
}

static bool judge_host_namespaces(const struct control *c, const struct cinch_spec *s, bool effective,
                                  struct cinch_buf *b)
{
	(void)c, (void)effective;
	/* PSS names hostNetwork, hostPID and hostIPC; a pod shares the host's
	 * UTS namespace exactly when it has hostNetwork, so a shared UTS
	 * namespace is what PSS forbids too. */
	static const int types[] = {CINCH_NS_PID, CINCH_NS_IPC, CINCH_NS_NETWORK, CINCH_NS_UTS};
	bool bad = false;
	cinch_buf_puts(b, "linux.namespaces: ");
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		if (i > 0)
			cinch_buf_puts(b, "; ");
		bad |= put_ns(b, s, types[i]);
	}
	return bad;
}

static bool judge_host_namespace(const struct control *c, const struct cinch_spec *s, bool effective,
                                 struct cinch_buf *b)
{
	(void)effective;
	cinch_buf_puts(b, "linux.namespaces: ");
	return put_ns(b, s, (int)c->arg);
}

/* Host directories whose bind mount hands the container the host (CIS
 * 5.5's list, plus the runtimes' and the kubelet's state). */
static const char *const sensitive_dirs[] = {
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib64",
    "/proc",
    "/sys",
    "/usr",
    "/root",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/run",
    "/var/run",
};

/* Sensitive: one of the directories itself (even read-only: /etc holds
 * shadow, /proc the host's processes), or a writable bind of anything
 * below one (a read-only /etc/resolv.conf is common and harmless). */
static bool sensitive_source(const char *src, bool readonly)
{
	for (size_t i = 0; i < ARRAY_SIZE(sensitive_dirs); i++) {
		if (strcmp(src, sensitive_dirs[i]) == 0)
			return true;
		if (!readonly && strcmp(sensitive_dirs[i], "/") != 0 && path_within(src, sensitive_dirs[i]))
			return true;
	}
	return false;
}

static bool judge_host_paths(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	for (size_t i = 0; i < s->mounts.n; i++) {
		_cleanup_free_ char *src = bind_source(&s->mounts.items[i]);
		if (src == NULL || !sensitive_source(src, is_readonly(&s->mounts.items[i])))
			continue;
		put_sep(b, &count);
		put_mount(b, s, i);
	}
	if (count > 0)
		cinch_buf_puts(b, ": sensitive host path bound");
	else
		cinch_buf_puts(b, "mounts: no sensitive host path bound");
	return count > 0;
}

/* A socket that controls a container engine: whoever can reach it is root
 * on the host. */
static bool engine_socket(const char *src)
{
	static const char *const names[] = {"docker.sock", "containerd.sock", "crio.sock", "podman.sock"};
	const char *base = strrchr(src, '/');
	base = base ? base + 1 : src;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	/* A directory above the usual socket hands it over too. */
	return path_within("/run/docker.sock", src) || path_within("/var/run/docker.sock", src);
}

static bool judge_engine_socket(const struct control *c, const struct cinch_spec *s, bool effective,
                                struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	for (size_t i = 0; i < s->mounts.n; i++) {
		_cleanup_free_ char *src = bind_source(&s->mounts.items[i]);
		if (src == NULL || !engine_socket(src))
			continue;
		put_sep(b, &count);
		put_mount(b, s, i);
	}
	cinch_buf_puts(b, count ? ": the engine's socket is reachable" : "mounts: no container engine socket bound");
	return count > 0;
}

static bool mounts_proc(const struct cinch_spec *s)
{
	for (size_t i = 0; i < s->mounts.n; i++)
		if (s->mounts.items[i].type && strcmp(s->mounts.items[i].type, "proc") == 0)
			return true;
	return false;
}

/* PSS "/proc Mount Type" wants the runtime's default masks; an Unmasked
 * procMount reaches the runtime as empty maskedPaths and readonlyPaths.
 * The two entries checked are the ones every runtime's default has and
 * whose loss matters most: kernel memory and the host's sysctls. */
static bool judge_proc_masks(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	if (!mounts_proc(s)) {
		cinch_buf_puts(b, "mounts: no proc filesystem mounted");
		return false;
	}
	bool kcore = listed(&s->linux_.masked_paths, "/proc/kcore");
	bool sys = listed(&s->linux_.readonly_paths, "/proc/sys");
	cinch_buf_printf(
	    b, "linux.maskedPaths: %zu entries, /proc/kcore %s; linux.readonlyPaths: %zu entries, /proc/sys %s",
	    s->linux_.masked_paths.n, kcore ? "masked" : "not masked", s->linux_.readonly_paths.n,
	    sys ? "read-only" : "not read-only");
	return !kcore || !sys;
}

/* The sysctls PSS baseline allows (the kubelet's safe set, Kubernetes
 * 1.32). */
static const char *const safe_sysctls[] = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
};

static bool safe_sysctl(const char *key)
{
	_cleanup_free_ char *k = xstrdup(key);
	for (char *p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	for (size_t i = 0; i < ARRAY_SIZE(safe_sysctls); i++)
		if (strcmp(k, safe_sysctls[i]) == 0)
			return true;
	return false;
}

static bool judge_sysctls(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	cinch_buf_puts(b, "linux.sysctl: ");
	for (size_t i = 0; i < s->linux_.sysctl.n; i++) {
		if (safe_sysctl(s->linux_.sysctl.items[i].key))
			continue;
		put_sep(b, &count);
		put_text(b, s->linux_.sysctl.items[i].key);
	}
	if (count > 0)
		cinch_buf_puts(b, " outside the safe set");
	else
		cinch_buf_printf(b, "%zu keys, all in the safe set", s->linux_.sysctl.n);
	return count > 0;
}

/* Unconfined: a filter that allows every syscall and has no rule; no
 * linux.seccomp and the annotation "unconfined"; or, as asked, no filter
 * at all, which is what runc runs.  In the effective config the caller
 * names the plan's choice in the annotation (check.c): a profile, or
 * "unconfined" when the plan chose none. */
static bool judge_seccomp(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c;
	if (s->linux_.has_seccomp) {
		const struct cinch_spec_seccomp *sc = &s->linux_.seccomp;
		const char *def = sc->default_action ? sc->default_action : "";
		bool open =
		    (strcmp(def, "SCMP_ACT_ALLOW") == 0 || strcmp(def, "SCMP_ACT_LOG") == 0) && sc->syscalls.n == 0;
		cinch_buf_puts(b, "linux.seccomp: defaultAction ");
		put_text(b, def);
		cinch_buf_printf(b, " with %zu syscall rules%s", sc->syscalls.n, open ? ": allows everything" : "");
		return open;
	}
	const char *name = annotation(s, CINCH_PROFILE_ANNOTATION);
	if (name && strcmp(name, "unconfined") == 0) {
		cinch_buf_puts(b, "annotations[\"" CINCH_PROFILE_ANNOTATION "\"]: unconfined, and no linux.seccomp");
		return true;
	}
	if (name == NULL && !effective) {
		cinch_buf_puts(b, "linux.seccomp: absent, and no profile named: runc would run it without a filter");
		return true;
	}
	cinch_buf_puts(b, "linux.seccomp: absent, so the shipped profile \"");
	put_text(b, name ? name : "default");
	cinch_buf_puts(b, "\"");
	return false;
}

static const char *apparmor(const struct cinch_spec *s)
{
	return s->has_process && s->process.apparmor_profile && s->process.apparmor_profile[0]
	           ? s->process.apparmor_profile
	           : NULL;
}

static const char *selinux(const struct cinch_spec *s)
{
	return s->has_process && s->process.selinux_label && s->process.selinux_label[0] ? s->process.selinux_label
	                                                                                 : NULL;
}

static void put_field(struct cinch_buf *b, const char *path, const char *value)
{
	cinch_buf_printf(b, "%s: ", path);
	if (value)
		put_text(b, value);
	else
		cinch_buf_puts(b, "not set");
}

/* PSS baseline: an override must not turn AppArmor off. */
static bool judge_apparmor_override(const struct control *c, const struct cinch_spec *s, bool effective,
                                    struct cinch_buf *b)
{
	(void)c, (void)effective;
	const char *p = apparmor(s);
	put_field(b, "process.apparmorProfile", p);
	return p && strcmp(p, "unconfined") == 0;
}

/* CIS 5.1: a profile is applied (on a host with AppArmor). */
static bool judge_apparmor_set(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	const char *p = apparmor(s);
	put_field(b, "process.apparmorProfile", p);
	return p == NULL || strcmp(p, "unconfined") == 0;
}

/* PSS baseline: the type of user:role:type[:level] is one of the
 * container types. */
static bool selinux_type_ok(const char *label)
{
	static const char *const types[] = {"container_t", "container_init_t", "container_kvm_t", "container_engine_t"};
	const char *t = strchr(label, ':');
	t = t ? strchr(t + 1, ':') : NULL;
	if (t == NULL)
		return false;
	t++;
	size_t n = strcspn(t, ":");
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (strlen(types[i]) == n && strncmp(t, types[i], n) == 0)
			return true;
	return false;
}

static bool judge_selinux_override(const struct control *c, const struct cinch_spec *s, bool effective,
                                   struct cinch_buf *b)
{
	(void)c, (void)effective;
	const char *l = selinux(s);
	put_field(b, "process.selinuxLabel", l);
	bool bad = l && !selinux_type_ok(l);
	if (bad)
		cinch_buf_puts(b, ": not a container type");
	return bad;
}

static bool judge_selinux_set(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	const char *l = selinux(s);
	put_field(b, "process.selinuxLabel", l);
	return l == NULL;
}

/* Root on the host: uid 0 with no user namespace, or one that maps it
 * to the host's root.  Root of a user namespace mapped elsewhere is not
 * (as PSS relaxes runAsNonRoot for pods without host users). */
static bool judge_root_user(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	uint32_t uid = s->has_process ? s->process.user.uid : 0;
	cinch_buf_printf(b, "process.user.uid: %u", uid);
	bool userns = false;
	for (size_t i = 0; i < s->linux_.namespaces.n; i++)
		userns |= s->linux_.namespaces.items[i].type == CINCH_NS_USER;
	if (uid != 0 || !userns)
		return uid == 0;
	const struct cinch_spec_idmaps *m = &s->linux_.uid_mappings;
	for (size_t i = 0; i < m->n; i++) {
		if (m->items[i].container_id != 0)
			continue;
		cinch_buf_printf(b, " (linux.uidMappings maps it to host uid %u)", m->items[i].host_id);
		return m->items[i].host_id == 0;
	}
	cinch_buf_puts(b, " (in a user namespace that does not map it)");
	return false;
}

/* The policy's noNewPrivileges control sets it in the effective config
 * (decide.h); process.c sets no_new_privs exactly when that says so. */
static bool judge_no_new_privs(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	bool nnp = s->has_process && s->process.no_new_privileges;
	cinch_buf_printf(b, "process.noNewPrivileges: %s", nnp ? "true" : "false");
	return !nnp;
}

static bool judge_readonly_root(const struct control *c, const struct cinch_spec *s, bool effective,
                                struct cinch_buf *b)
{
	(void)c, (void)effective;
	bool ro = s->has_root && s->root.readonly;
	cinch_buf_printf(b, "root.readonly: %s", ro ? "true" : "false");
	return !ro;
}

static void put_limit(struct cinch_buf *b, const char *path, const struct cinch_opt_i64 *v)
{
	if (!v->set)
		cinch_buf_printf(b, "%s: not set", path);
	else
		cinch_buf_printf(b, "%s: %lld%s", path, (long long)v->value, v->value > 0 ? "" : " (unlimited)");
}

static bool judge_memory_limit(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	const struct cinch_opt_i64 *l = &s->linux_.resources.memory.limit;
	put_limit(b, "linux.resources.memory.limit", l);
	return !l->set || l->value <= 0;
}

static bool judge_pids_limit(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	const struct cinch_opt_i64 *l = &s->linux_.resources.pids_limit;
	put_limit(b, "linux.resources.pids.limit", l);
	return !l->set || l->value <= 0;
}

static bool judge_cpu(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	const struct cinch_spec_cpu *cpu = &s->linux_.resources.cpu;
	if (cpu->shares.set && cpu->shares.value > 0) {
		cinch_buf_printf(b, "linux.resources.cpu.shares: %llu", (unsigned long long)cpu->shares.value);
		return false;
	}
	if (cpu->quota.set && cpu->quota.value > 0) {
		cinch_buf_printf(b, "linux.resources.cpu.quota: %lld", (long long)cpu->quota.value);
		return false;
	}
	cinch_buf_puts(b, "linux.resources.cpu: neither shares nor a quota set");
	return true;
}

static bool put_device_nodes(struct cinch_buf *b, const struct cinch_spec *s, size_t *count)
{
	bool bad = false;
	for (size_t i = 0; i < s->linux_.devices.n; i++) {
		const struct cinch_spec_device *d = &s->linux_.devices.items[i];
		if (cinch_default_device(d->type, d->major, d->minor))
			continue;
		put_sep(b, count);
		cinch_buf_printf(b, "linux.devices[%zu] ", i);
		put_text(b, d->path ? d->path : "");
		cinch_buf_printf(b, " (%c %lld:%lld)", d->type, (long long)d->major, (long long)d->minor);
		bad = true;
	}
	return bad;
}

static bool put_device_rules(struct cinch_buf *b, const struct cinch_spec *s, size_t *count)
{
	bool bad = false;
	for (size_t i = 0; i < s->linux_.resources.devices.n; i++) {
		const struct cinch_spec_device_rule *r = &s->linux_.resources.devices.items[i];
		if (!r->allow)
			continue;
		bool all = r->type == 'a' || !r->major.set || !r->minor.set;
		if (!all && cinch_default_device(r->type, r->major.value, r->minor.value))
			continue;
		put_sep(b, count);
		cinch_buf_printf(b, "linux.resources.devices[%zu] allows %s", i,
		                 all ? "every device" : "a host device");
		bad = true;
	}
	return bad;
}

static bool judge_devices(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	bool bad = put_device_nodes(b, s, &count);
	bad |= put_device_rules(b, s, &count);
	if (!bad)
		cinch_buf_puts(b, "linux.devices: only the default nodes");
	return bad;
}

static bool shared_propagation(const char *p)
{
	return p && (strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0);
}

static bool judge_propagation(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	if (shared_propagation(s->linux_.rootfs_propagation)) {
		put_sep(b, &count);
		cinch_buf_printf(b, "linux.rootfsPropagation: %s", s->linux_.rootfs_propagation);
	}
	for (size_t i = 0; i < s->mounts.n; i++)
		if (has_option(&s->mounts.items[i], "shared") || has_option(&s->mounts.items[i], "rshared")) {
			put_sep(b, &count);
			put_mount(b, s, i);
			cinch_buf_puts(b, ": shared");
		}
	if (count == 0)
		cinch_buf_puts(b, "mounts: no shared propagation");
	return count > 0;
}

/* ---- secrets in the environment ------------------------------------ */

/* Words in a variable's name that say it holds a secret, anywhere in it. */
static const char *const secret_words[] = {
    "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL",
};

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Whether the `_`-separated name has a segment equal to word. */
static bool has_segment(const char *name, size_t n, const char *word)
{
	size_t k = strlen(word);
	for (size_t i = 0; i + k <= n; i++)
		if ((i == 0 || name[i - 1] == '_') && strncasecmp(name + i, word, k) == 0 &&
		    (i + k == n || name[i + k] == '_'))
			return true;
	return false;
}

static bool secret_name(const char *name, size_t n)
{
	/* FOO_PASSWORD_FILE=/run/secrets/foo names where the secret is. */
	if (ends_with(name, n, "_FILE") || ends_with(name, n, "_PATH") || ends_with(name, n, "_DIR"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(secret_words); i++) {
		size_t k = strlen(secret_words[i]);
		for (size_t j = 0; j + k <= n; j++)
			if (strncasecmp(name + j, secret_words[i], k) == 0)
				return true;
	}
	/* TOKEN as a word or at the end (HF_TOKEN, NPMTOKEN), not inside one
	 * (TOKENIZERS_PARALLELISM). */
	if (has_segment(name, n, "TOKEN") || ends_with(name, n, "TOKEN"))
		return true;
	/* DB_PASS, MYSQL_PWD; but not PWD or OLDPWD, the shell's directory. */
	return memchr(name, '_', n) && (has_segment(name, n, "PASS") || has_segment(name, n, "PWD"));
}

static bool upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return upper_or_digit(c) || (c >= 'a' && c <= 'z');
}

/* AKIA (or ASIA, temporary) and 16 more of [0-9A-Z], standing alone. */
static bool aws_key_id(const char *v)
{
	for (const char *p = v; (p = strchr(p, 'A')) != NULL; p++) {
		if ((strncmp(p, "AKIA", 4) != 0 && strncmp(p, "ASIA", 4) != 0) || (p > v && upper_or_digit(p[-1])))
			continue;
		size_t n = 4;
		while (n < 20 && upper_or_digit(p[n]))
			n++;
		if (n == 20 && !upper_or_digit(p[20]))
			return true;
	}
	return false;
}

/* ghp_, gho_, ghu_, ghs_, ghr_ and 36 alphanumerics; github_pat_ and 22. */
static bool github_token(const char *v)
{
	static const struct {
		const char *prefix;
		size_t min;
	} kinds[] = {{"ghp_", 36}, {"gho_", 36}, {"ghu_", 36}, {"ghs_", 36}, {"ghr_", 36}, {"github_pat_", 22}};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		for (const char *p = v; (p = strstr(p, kinds[i].prefix)) != NULL; p++) {
			const char *q = p + strlen(kinds[i].prefix);
			size_t n = 0;
			while (alnum(q[n]) || (q[n] == '_' && i == 5))
				n++;
			if (n >= kinds[i].min)
				return true;
		}
	return false;
}

static bool pem_private_key(const char *v)
{
	const char *begin = strstr(v, "-----BEGIN ");
	if (begin == NULL)
		return false;
	const char *end = strstr(begin, "PRIVATE KEY-----");
	const char *nl = strchr(begin, '\n');
	return end && (nl == NULL || end < nl);
}

/* Why an environment entry looks like a secret; NULL if it does not.
 * The value is only looked at, never copied. */
static const char *secret_reason(const char *entry)
{
	const char *eq = strchr(entry, '=');
	if (eq == NULL || eq[1] == '\0')
		return NULL;
	const char *value = eq + 1;
	if (pem_private_key(value))
		return "the value holds a PEM private key";
	if (aws_key_id(value))
		return "the value holds an AWS access key id";
	if (github_token(value))
		return "the value holds a GitHub token";
	if (secret_name(entry, (size_t)(eq - entry)))
		return "the name says it holds a secret";
	return NULL;
}

static bool judge_secret_env(const struct control *c, const struct cinch_spec *s, bool effective, struct cinch_buf *b)
{
	(void)c, (void)effective;
	size_t count = 0;
	const struct cinch_strv *env = &s->process.env;
	for (size_t i = 0; s->has_process && i < env->n; i++) {
		const char *why = secret_reason(env->items[i]);
		if (why == NULL)
			continue;
		put_sep(b, &count);
		_cleanup_free_ char *name = xstrndup(env->items[i], strcspn(env->items[i], "="));
		cinch_buf_printf(b, "process.env[%zu] ", i);
		put_text(b, name);
		cinch_buf_printf(b, ": %s", why);
	}
	if (count == 0)
		cinch_buf_puts(b, "process.env: no variable looks like a secret");
	return count > 0;
}

/* ---- the table ------------------------------------------------------ */

#define PSS_B "Kubernetes Pod Security Standards (baseline): "
#define PSS_R "Kubernetes Pod Security Standards (restricted): "
/* The numbering of v1.2.0 to v1.5.0; v1.6.0 put a control first in
 * section 5 and moved the rest down by one (read-only root is 5.13 there). */
#define CIS "CIS Docker Benchmark v1.5.0 "
#define IMG "cinch image hygiene: "

static const struct control controls[] = {
    {"PSS-baseline-host-namespaces", CINCH_SEV_HIGH, judge_host_namespaces, 0,
     "list pid, ipc, network and uts in linux.namespaces without a host path", PSS_B "Host Namespaces"},
    {"PSS-baseline-privileged", CINCH_SEV_CRITICAL, judge_privileged, 0,
     "list only the capabilities the process needs (none, usually)", PSS_B "Privileged Containers"},
    {"PSS-baseline-capabilities", CINCH_SEV_HIGH, judge_caps_beyond, CAPS_PSS_BASELINE,
     "drop every capability outside AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE "
     "SETFCAP SETGID SETPCAP SETUID SYS_CHROOT",
     PSS_B "Capabilities"},
    {"PSS-baseline-host-path", CINCH_SEV_HIGH, judge_host_paths, 0,
     "bind a volume or a dedicated directory instead of a host system path", PSS_B "HostPath Volumes"},
    {"PSS-baseline-proc-mount", CINCH_SEV_MEDIUM, judge_proc_masks, 0,
     "keep the default linux.maskedPaths (with /proc/kcore) and linux.readonlyPaths (with /proc/sys)",
     PSS_B "/proc Mount Type"},
    {"PSS-baseline-sysctls", CINCH_SEV_MEDIUM, judge_sysctls, 0,
     "set only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ...)", PSS_B "Sysctls"},
    {"PSS-baseline-seccomp", CINCH_SEV_HIGH, judge_seccomp, 0,
     "drop the \"unconfined\" annotation (the shipped profile applies) or give a real linux.seccomp",
     "Kubernetes Pod Security Standards (baseline and restricted): Seccomp"},
    {"PSS-baseline-apparmor", CINCH_SEV_MEDIUM, judge_apparmor_override, 0,
     "remove process.apparmorProfile \"unconfined\" or name a real profile", PSS_B "AppArmor"},
    {"PSS-baseline-selinux", CINCH_SEV_MEDIUM, judge_selinux_override, 0,
     "use a container type (container_t) in process.selinuxLabel", PSS_B "SELinux"},
    {"PSS-restricted-capabilities", CINCH_SEV_MEDIUM, judge_caps_beyond, CAPS_PSS_RESTRICTED,
     "list no capability but NET_BIND_SERVICE", PSS_R "Capabilities"},
    {"PSS-restricted-run-as-non-root", CINCH_SEV_MEDIUM, judge_root_user, 0, "set process.user.uid to a non-zero uid",
     PSS_R "Running as Non-root"},
    {"PSS-restricted-privilege-escalation", CINCH_SEV_MEDIUM, judge_no_new_privs, 0,
     "set process.noNewPrivileges: true", PSS_R "Privilege Escalation"},

    {"CIS-4.1", CINCH_SEV_MEDIUM, judge_root_user, 0, "run as a user created in the image, not uid 0",
     CIS "4.1: Ensure that a user for the container has been created"},
    {"CIS-5.1", CINCH_SEV_LOW, judge_apparmor_set, 0, "set process.apparmorProfile on a host with AppArmor",
     CIS "5.1: Ensure that, if applicable, an AppArmor Profile is enabled"},
    {"CIS-5.2", CINCH_SEV_LOW, judge_selinux_set, 0, "set process.selinuxLabel on a host with SELinux",
     CIS "5.2: Ensure that, if applicable, SELinux security options are set"},
    {"CIS-5.3", CINCH_SEV_MEDIUM, judge_caps_beyond, CAPS_DOCKER_DEFAULT,
     "list only the capabilities the process needs",
     CIS "5.3: Ensure that Linux kernel capabilities are restricted within containers"},
    {"CIS-5.4", CINCH_SEV_CRITICAL, judge_privileged, 0, "do not grant every capability",
     CIS "5.4: Ensure that privileged containers are not used"},
    {"CIS-5.5", CINCH_SEV_HIGH, judge_host_paths, 0, "do not bind host system directories",
     CIS "5.5: Ensure sensitive host system directories are not mounted on containers"},
    {"CIS-5.9", CINCH_SEV_HIGH, judge_host_namespace, CINCH_NS_NETWORK,
     "add {\"type\": \"network\"} to linux.namespaces",
     CIS "5.9: Ensure that the host's network namespace is not shared"},
    {"CIS-5.10", CINCH_SEV_MEDIUM, judge_memory_limit, 0, "set linux.resources.memory.limit",
     CIS "5.10: Ensure that the memory usage for containers is limited"},
    {"CIS-5.11", CINCH_SEV_LOW, judge_cpu, 0, "set linux.resources.cpu.shares or .quota",
     CIS "5.11: Ensure that CPU priority is set appropriately on containers"},
    {"CIS-5.12", CINCH_SEV_MEDIUM, judge_readonly_root, 0, "set root.readonly: true and mount tmpfs where it writes",
     CIS "5.12: Ensure that the container's root filesystem is mounted as read only"},
    {"CIS-5.15", CINCH_SEV_HIGH, judge_host_namespace, CINCH_NS_PID, "add {\"type\": \"pid\"} to linux.namespaces",
     CIS "5.15: Ensure that the host's process namespace is not shared"},
    {"CIS-5.16", CINCH_SEV_HIGH, judge_host_namespace, CINCH_NS_IPC, "add {\"type\": \"ipc\"} to linux.namespaces",
     CIS "5.16: Ensure that the host's IPC namespace is not shared"},
    {"CIS-5.17", CINCH_SEV_MEDIUM, judge_devices, 0, "list no host device in linux.devices or allow rules",
     CIS "5.17: Ensure that host devices are not directly exposed to containers"},
    {"CIS-5.19", CINCH_SEV_MEDIUM, judge_propagation, 0, "use private or slave propagation",
     CIS "5.19: Ensure mount propagation mode is not set to shared"},
    {"CIS-5.20", CINCH_SEV_MEDIUM, judge_host_namespace, CINCH_NS_UTS, "add {\"type\": \"uts\"} to linux.namespaces",
     CIS "5.20: Ensure that the host's UTS namespace is not shared"},
    {"CIS-5.21", CINCH_SEV_HIGH, judge_seccomp, 0, "do not disable the default seccomp profile",
     CIS "5.21: Ensure the default seccomp profile is not Disabled"},
    {"CIS-5.25", CINCH_SEV_MEDIUM, judge_no_new_privs, 0, "set process.noNewPrivileges: true",
     CIS "5.25: Ensure that the container is restricted from acquiring additional privileges"},
    {"CIS-5.28", CINCH_SEV_MEDIUM, judge_pids_limit, 0, "set linux.resources.pids.limit",
     CIS "5.28: Ensure that the PIDs cgroup limit is used"},
    {"CIS-5.30", CINCH_SEV_LOW, judge_host_namespace, CINCH_NS_USER,
     "add {\"type\": \"user\"} with linux.uidMappings and gidMappings from the host's subordinate ids",
     CIS "5.30: Ensure that the host's user namespaces are not shared"},
    {"CIS-5.31", CINCH_SEV_CRITICAL, judge_engine_socket, 0, "never bind a container engine's socket",
     CIS "5.31: Ensure that the Docker socket is not mounted inside any containers"},

    {"IMG-secret-env", CINCH_SEV_HIGH, judge_secret_env, 0,
     "pass secrets as files (a read-only bind or tmpfs), not in process.env", IMG "secrets in the environment"},
};

/* pass, fixed-by-policy or fail, and the message that goes with it. */
static void grade_one(const struct control *c, const struct cinch_spec *asked, const struct cinch_spec *effective,
                      struct cinch_findings *out)
{
	struct cinch_buf a = {0}, e = {0};
	bool asked_bad = c->bad(c, asked, false, &a);
	bool eff_bad = c->bad(c, effective, true, &e);
	enum cinch_verdict v = CINCH_VERDICT_PASS;
	struct cinch_buf *msg = &a;
	if (eff_bad) {
		v = CINCH_VERDICT_FAIL;
		msg = &e;
		if (!asked_bad)
			cinch_buf_puts(&e, " (the policy's change: the config as asked was fine)");
	} else if (asked_bad) {
		v = CINCH_VERDICT_FIXED;
		cinch_buf_puts(&a, "; effective: ");
		cinch_buf_append(&a, e.data, e.len);
	}
	findings_add(out, c->id, c->sev, v, cinch_buf_steal(msg), c->fix, c->standard);
	cinch_buf_free(&a);
	cinch_buf_free(&e);
}

void cinch_grade_config(const struct cinch_spec *asked, const struct cinch_spec *effective, struct cinch_findings *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(controls); i++)
		grade_one(&controls[i], asked, effective, out);
}

/* ---- the rootfs ----------------------------------------------------- */

struct walk {
	dev_t dev;
	bool no_openat2;        /* the kernel or a filter refused openat2 once */
	struct cinch_buf path;  /* of the directory being read, for messages only */
	struct cinch_buf setid; /* the first CINCH_GRADE_MAX_PATHS */
	size_t n_setid;
	struct cinch_buf ww;
	size_t n_ww;
	size_t n_files, n_dirs;
	size_t other_mounts, unreadable, too_deep;
};

/* One component from getdents, below dirfd: never a symlink, never on
 * another mount.  Without openat2, O_NOFOLLOW on a single component does
 * the first, and the caller's (st_dev, st_ino) check the second. */
static int open_subdir(struct walk *w, int dirfd, const char *name)
{
	if (!w->no_openat2) {
		struct open_how how = {
		    .flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
		};
		int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
		w->no_openat2 = true;
	}
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void note_path(struct cinch_buf *list, size_t *n, const struct cinch_buf *path, const char *what)
{
	if ((*n)++ >= CINCH_GRADE_MAX_PATHS)
		return;
	if (list->len > 0)
		cinch_buf_puts(list, ", ");
	cinch_buf_append(list, path->len ? path->data : "/", path->len ? path->len : 1);
	if (what)
		cinch_buf_printf(list, " (%s)", what);
}

static void check_entry(struct walk *w, const struct stat *st)
{
	if (S_ISREG(st->st_mode)) {
		w->n_files++;
		mode_t id = st->st_mode & (S_ISUID | S_ISGID);
		if (id)
			note_path(&w->setid, &w->n_setid, &w->path,
			          id == (S_ISUID | S_ISGID) ? "setuid+setgid"
			          : id == S_ISUID           ? "setuid"
			                                    : "setgid");
	} else if (S_ISDIR(st->st_mode)) {
		w->n_dirs++;
		if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
			note_path(&w->ww, &w->n_ww, &w->path, NULL);
	}
}

static void walk_dir(struct walk *w, int fd, unsigned depth);

static void enter(struct walk *w, int dirfd, const char *name, const struct stat *st, unsigned depth)
{
	if (depth > CINCH_GRADE_MAX_DEPTH) {
		w->too_deep++;
		return;
	}
	int fd = open_subdir(w, dirfd, name);
	if (fd < 0) {
		if (errno == EXDEV) /* a bind mount of the same filesystem */
			w->other_mounts++;
		else
			w->unreadable++;
		return;
	}
	struct stat now;
	if (fstat(fd, &now) < 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		close(fd); /* replaced since fstatat: not the directory we judged */
		w->unreadable++;
		return;
	}
	walk_dir(w, fd, depth);
}

static bool skip_type(unsigned char t)
{
	return t == DT_LNK || t == DT_CHR || t == DT_BLK || t == DT_FIFO || t == DT_SOCK;
}

/* Reads the directory open on fd (taking it over) and what is below it. */
static void walk_dir(struct walk *w, int fd, unsigned depth)
{
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		w->unreadable++;
		return;
	}
	size_t base = w->path.len;
	struct dirent *e;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || skip_type(e->d_type))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			w->unreadable++;
			continue;
		}
		if (st.st_dev != w->dev) { /* a mountpoint: another filesystem's root */
			w->other_mounts++;
			continue;
		}
		cinch_buf_puts(&w->path, "/");
		put_text(&w->path, e->d_name);
		check_entry(w, &st);
		if (S_ISDIR(st.st_mode))
			enter(w, dirfd(d), e->d_name, &st, depth + 1);
		w->path.len = base;
		w->path.data[base] = '\0';
	}
	if (errno != 0)
		w->unreadable++;
	closedir(d);
}

static void put_walk_summary(struct cinch_buf *b, const struct walk *w)
{
	cinch_buf_printf(b, " (walked %zu files in %zu directories", w->n_files, w->n_dirs);
	if (w->other_mounts)
		cinch_buf_printf(b, "; %zu other mounts not entered", w->other_mounts);
	if (w->unreadable)
		cinch_buf_printf(b, "; %zu entries unreadable", w->unreadable);
	if (w->too_deep)
		cinch_buf_printf(b, "; %zu directories deeper than %d not entered", w->too_deep, CINCH_GRADE_MAX_DEPTH);
	cinch_buf_puts(b, ")");
}

static void rootfs_finding(struct cinch_findings *out, const struct walk *w, const struct cinch_buf *list, size_t n,
                           const char *noun, const char *id, enum cinch_severity sev, const char *fix,
                           const char *standard)
{
	struct cinch_buf b = {0};
	if (n == 0)
		cinch_buf_printf(&b, "rootfs: no %s", noun);
	else
		cinch_buf_printf(&b, "rootfs: %zu %s: %s%s", n, noun, list->data,
		                 n > CINCH_GRADE_MAX_PATHS ? ", ..." : "");
	put_walk_summary(&b, w);
	findings_add(out, id, sev, n ? CINCH_VERDICT_FAIL : CINCH_VERDICT_PASS, cinch_buf_steal(&b), fix, standard);
}

int cinch_grade_rootfs(int rootfd, struct cinch_findings *out, struct cinch_error **err)
{
	struct stat st;
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "rootfs: open");
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return cinch_error_set(err, e, "rootfs: fstat");
	}
	struct walk w = {.dev = st.st_dev};
	check_entry(&w, &st); /* the root itself may be world-writable */
	walk_dir(&w, fd, 0);
	/* no_new_privs, which cinch always sets, keeps the bits from raising
	 * privileges; another runtime may not, and the image should not
	 * need them. */
	rootfs_finding(out, &w, &w.setid, w.n_setid, "setuid or setgid files", "CIS-4.8", CINCH_SEV_LOW,
	               "remove the bits in the image: chmod u-s,g-s on each file",
	               CIS "4.8: Ensure setuid and setgid permissions are removed");
	rootfs_finding(out, &w, &w.ww, w.n_ww, "world-writable directories without the sticky bit",
	               "IMG-world-writable-dir", CINCH_SEV_LOW, "chmod +t or o-w each directory",
	               IMG "world-writable directories without the sticky bit");
	cinch_buf_free(&w.path);
	cinch_buf_free(&w.setid);
	cinch_buf_free(&w.ww);
	return 0;
}

/* ---- formats -------------------------------------------------------- */

static size_t max_width(const struct cinch_findings *f, const char *(*field)(const struct cinch_finding *), size_t min)
{
	size_t w = min;
	for (size_t i = 0; i < f->n; i++) {
		size_t n = strlen(field(&f->items[i]));
		if (n > w)
			w = n;
	}
	return w;
}

static const char *field_verdict(const struct cinch_finding *x)
{
	return cinch_verdict_name(x->verdict);
}
static const char *field_severity(const struct cinch_finding *x)
{
	return cinch_severity_name(x->sev);
}
static const char *field_id(const struct cinch_finding *x)
{
	return x->id;
}

static char *format_table(const struct cinch_findings *f)
{
	int wv = (int)max_width(f, field_verdict, strlen("VERDICT"));
	int ws = (int)max_width(f, field_severity, strlen("SEVERITY"));
	int wi = (int)max_width(f, field_id, strlen("ID"));
	struct cinch_buf b = {0};
	size_t count[3] = {0};
	cinch_buf_printf(&b, "%-*s  %-*s  %-*s  %s\n", wv, "VERDICT", ws, "SEVERITY", wi, "ID", "MESSAGE");
	for (size_t i = 0; i < f->n; i++) {
		const struct cinch_finding *x = &f->items[i];
		count[x->verdict]++;
		cinch_buf_printf(&b, "%-*s  %-*s  %-*s  %s\n", wv, cinch_verdict_name(x->verdict), ws,
		                 cinch_severity_name(x->sev), wi, x->id, x->what);
		if (x->verdict != CINCH_VERDICT_PASS)
			cinch_buf_printf(&b, "%*s  fix: %s\n", wv + ws + wi + 4, "", x->fix);
	}
	cinch_buf_printf(&b, "%zu findings: %zu fail, %zu fixed-by-policy, %zu pass\n", f->n, count[CINCH_VERDICT_FAIL],
	                 count[CINCH_VERDICT_FIXED], count[CINCH_VERDICT_PASS]);
	return cinch_buf_steal(&b);
}

/* Every string here is static ASCII or went through put_text, so jansson
 * cannot refuse it as invalid UTF-8. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	if (j == NULL)
		abort();
	return j;
}

static char *dump(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		abort(); /* out of memory */
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, text);
	cinch_buf_puts(&b, "\n");
	free(text);
	return cinch_buf_steal(&b);
}

static char *format_json(const struct cinch_findings *f)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++) {
		const struct cinch_finding *x = &f->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", jstr(x->id));
		json_object_set_new(o, "severity", jstr(cinch_severity_name(x->sev)));
		json_object_set_new(o, "verdict", jstr(cinch_verdict_name(x->verdict)));
		json_object_set_new(o, "message", jstr(x->what));
		json_object_set_new(o, "fix", jstr(x->fix));
		json_object_set_new(o, "standard", jstr(x->standard));
		json_array_append_new(arr, o);
	}
	return dump(arr);
}

static const char *sarif_level(enum cinch_severity sev)
{
	return sev >= CINCH_SEV_HIGH ? "error" : sev >= CINCH_SEV_LOW ? "warning" : "note";
}

static json_t *text_obj(const char *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "text", jstr(s));
	return o;
}

static json_t *sarif_rule(const struct cinch_finding *x)
{
	json_t *r = json_object();
	json_object_set_new(r, "id", jstr(x->id));
	json_object_set_new(r, "shortDescription", text_obj(x->standard));
	json_object_set_new(r, "help", text_obj(x->fix));
	json_t *conf = json_object();
	json_object_set_new(conf, "level", jstr(sarif_level(x->sev)));
	json_object_set_new(r, "defaultConfiguration", conf);
	json_t *props = json_object();
	json_object_set_new(props, "severity", jstr(cinch_severity_name(x->sev)));
	json_object_set_new(props, "standard", jstr(x->standard));
	json_object_set_new(r, "properties", props);
	return r;
}

static json_t *sarif_result(const struct cinch_finding *x, size_t rule_index)
{
	bool fail = x->verdict == CINCH_VERDICT_FAIL;
	json_t *r = json_object();
	json_object_set_new(r, "ruleId", jstr(x->id));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)rule_index));
	json_object_set_new(r, "kind", jstr(fail ? "fail" : "pass"));
	json_object_set_new(r, "level", jstr(fail ? sarif_level(x->sev) : "none"));
	json_object_set_new(r, "message", text_obj(x->what));
	json_t *props = json_object();
	json_object_set_new(props, "verdict", jstr(cinch_verdict_name(x->verdict)));
	json_object_set_new(props, "severity", jstr(cinch_severity_name(x->sev)));
	json_object_set_new(r, "properties", props);
	return r;
}

/* The index of id in rules, appending a rule for x when it is new. */
static size_t rule_index(json_t *rules, const struct cinch_finding *x)
{
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "id")), x->id) == 0)
			return i;
	}
	json_array_append_new(rules, sarif_rule(x));
	return json_array_size(rules) - 1;
}

static char *format_sarif(const struct cinch_findings *f)
{
	json_t *rules = json_array(), *results = json_array();
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(results, sarif_result(&f->items[i], rule_index(rules, &f->items[i])));
	json_t *driver = json_object();
	json_object_set_new(driver, "name", jstr("cinch"));
	json_object_set_new(driver, "version", jstr(PACKAGE_VERSION));
	json_object_set_new(driver, "rules", rules);
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);
	json_t *run = json_object();
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_t *runs = json_array();
	json_array_append_new(runs, run);
	json_t *log = json_object();
	json_object_set_new(log, "$schema",
	                    jstr("https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"));
	json_object_set_new(log, "version", jstr("2.1.0"));
	json_object_set_new(log, "runs", runs);
	return dump(log);
}

char *cinch_findings_format(const struct cinch_findings *f, enum cinch_grade_format fmt)
{
	switch (fmt) {
	case CINCH_GRADE_TABLE:
		return format_table(f);
	case CINCH_GRADE_JSON:
		return format_json(f);
	case CINCH_GRADE_SARIF:
		return format_sarif(f);
	}
	return xstrdup("");
}

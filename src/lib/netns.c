#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "cinch/beside.h"
#include "cinch/error.h"
#include "cinch/netns.h"

/* unshare() moves only the calling thread; the runtime's own threads and
 * processes never enter the namespace.  The fd keeps it alive after the
 * thread is gone. */
static void *make_netns(void *arg)
{
	struct cinch_netns_maker *m = arg;
	if (unshare(CLONE_NEWNET) < 0) {
		m->errnum = errno;
		m->step = "unshare";
		return NULL;
	}
	m->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		m->errnum = errno;
		m->step = "open /proc/thread-self/ns/net";
	}
	return NULL;
}

bool cinch_netns_maker_start(struct cinch_netns_maker *m)
{
	return cinch_beside_start(&m->helper, make_netns, m);
}

int cinch_netns_maker_finish(struct cinch_netns_maker *m, struct cinch_error **err)
{
	cinch_beside_join(&m->helper);
	if (m->fd < 0)
		return cinch_error_set(err, m->errnum, "make network namespace: %s", m->step ? m->step : "not started");
	return m->fd;
}

void cinch_netns_maker_close(struct cinch_netns_maker *m)
{
	cinch_beside_join(&m->helper);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

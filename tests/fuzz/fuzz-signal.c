/* fuzz-signal: libFuzzer harness for the signal names that `kill` takes,
 * cinch_signal_parse() ("9", "KILL", "SIGKILL", "SIGRTMIN+3").  It reports
 * no error object, so the contract is the result: -1 or a signal the
 * kernel has, a number that reads back as itself, and a real-time name
 * that means what signal(7) says it does. */
#include "config.h"

#include <signal.h>

#define FUZZ_HARNESS "fuzz-signal"
#include "fuzz.h"

#include "cinch/container.h"

/* What [SIG]RTMIN[+k] and [SIG]RTMAX[-k] name: SIGRTMIN + k and
 * SIGRTMAX - k while that is a real-time signal, else nothing (-1).
 * Returns 0 for any other name. */
static int realtime_meaning(const char *s)
{
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	bool min = strncmp(s, "RTMIN", 5) == 0;
	if (!min && strncmp(s, "RTMAX", 5) != 0)
		return 0;
	s += 5;
	if (*s == '\0')
		return min ? SIGRTMIN : SIGRTMAX;
	const char *num = s + 1;
	if (*s != (min ? '+' : '-') || *num == '\0' || strspn(num, "0123456789") != strlen(num))
		return -1;
	/* Leading zeros do not change the number; more than two digits after
	 * them are out of range in any case. */
	while (num[0] == '0' && num[1] != '\0')
		num++;
	if (strlen(num) > 2)
		return -1;
	int k = atoi(num);
	int sig = min ? SIGRTMIN + k : SIGRTMAX - k;
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	int sig = cinch_signal_parse(s);
	int rt = realtime_meaning(s);
	free(s);
	if (rt != 0 && sig != rt) {
		fprintf(stderr, "fuzz-signal: real-time name read as %d, means %d\n", sig, rt);
		fuzz_broken("a real-time signal name read as another signal", NULL);
	}
	if (sig == -1)
		return 0;
	if (sig < 1 || sig > SIGRTMAX)
		fuzz_broken("returned a number that is no signal", NULL);
	char num[16];
	snprintf(num, sizeof(num), "%d", sig);
	if (cinch_signal_parse(num) != sig)
		fuzz_broken("a signal's own number does not read back as it", NULL);
	return 0;
}

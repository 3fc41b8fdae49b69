/* exestub: owns how a container process execs its workload without ever
 * running the host's cinch binary inside the container (CVE-2019-5736).
 *
 * A process cinch starts in a container is a copy of the runtime until it
 * execs, so /proc/PID/exe and /proc/self/exe name the host's cinch binary.
 * A workload that is "#!/proc/self/exe" would run that binary in the
 * container, where the container's own processes could then open it
 * through /proc/PID/exe and, once it exited, write to it.  So the last
 * step is not execve(workload): it is execveat of a sealed memfd that
 * holds a tiny static stub (about 400 bytes, no libc), which then execs
 * the workload.  /proc/self/exe of whatever the workload execs is that
 * stub: read-only by its seals, not a file of the host, and it refuses to
 * run unless argv[0] is "" (which no shebang can make).
 *
 * The stub exists for x86_64; elsewhere the memfd holds a sealed copy of
 * cinch itself, which acts as the stub when argv[0] is "" (slower: a copy
 * of the binary per start).
 *
 * The memfd is made and sealed by the runtime before clone; its fd is
 * close-on-exec, so the workload never holds it. */
#ifndef CINCH_EXESTUB_H
#define CINCH_EXESTUB_H

struct cinch_error;

/* A sealed, executable, read-only memfd holding the stub. */
int cinch_exestub_open(struct cinch_error **err);

/* The argv the stub takes: {"", <path>, argv[0], argv[1], ..., NULL}.
 * Slot 1 is NULL until cinch_exestub_exec fills it.  Allocated by the
 * runtime, before clone, whatever the size of argv. */
char **cinch_exestub_argv(char *const *argv);

/* Execs path with the stub's argv through the stub.  Returns only on
 * failure, with errno. */
int cinch_exestub_exec(int stub_fd, const char *path, char **stub_argv, char *const *envp);

/* In cinch's main, when it is the stub (argv[0] == "", see above): execs
 * argv[1] with argv + 2; never returns. */
__attribute__((noreturn)) void cinch_exestub_main(int argc, char **argv, char **envp);

#endif

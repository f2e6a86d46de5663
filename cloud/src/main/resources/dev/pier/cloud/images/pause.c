/*
 * Pier's pause: the process that holds a pod sandbox's namespaces open.
 *
 * It sleeps until SIGTERM or SIGINT and then exits 0. As PID 1 of a pod that shares its process
 * namespace it also reaps orphaned children, so they do not linger as zombies. Built with
 * `gcc -static` so that the image needs no C library.
 */
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig) {
  (void) sig;
  stopping = 1;
}

static void on_child(int sig) {
  (void) sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction stop = {0};
  stop.sa_handler = on_stop;
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGINT, &stop, NULL);

  struct sigaction child = {0};
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &child, NULL);

  /* Block the stop signals except while waiting, so none can arrive between check and wait. */
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_BLOCK, &blocked, &waiting);
  while (!stopping) {
    sigsuspend(&waiting);
  }
  return 0;
}

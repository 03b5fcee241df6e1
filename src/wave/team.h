/*
 * A team of threads stepping one 2D shot together (kernel2d-real.h's forward and reverse runs):
 * member t works rows [rows[t], rows[t+1]) of every step and all meet at a barrier between the
 * phases that read each other's rows. Native builds only (GS_THREADS, POSIX threads, C11
 * atomics); WebAssembly builds see the type and run every shot on one thread.
 *
 * The barrier spins (a phase lasts tens of microseconds to milliseconds, a spin round costs far
 * less than a sleep and wake-up), then yields the processor, so that a member waiting on one that
 * lost its core to another process does not take the core from it.
 */
#ifndef GRADSCAPE_WAVE_TEAM_H
#define GRADSCAPE_WAVE_TEAM_H

typedef struct gs_team gs_team;
struct gs_team {
  int count;
  ptrdiff_t rows[GS_MAX_THREADS + 1];
  const void *job;
#ifdef GS_THREADS
  void (*member)(gs_team *team, int t);
  _Atomic int arrived, phase, gate; /* gate: 0 until every thread exists, then 1 (work) or -1 (a thread could not be made: return) */
  int sense[GS_MAX_THREADS];
#endif
};

#ifdef GS_THREADS
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

/* Waits until all `count` members have called it (member t). */
static void gs_team_wait(gs_team *team, int t) {
  const int phase = team->sense[t] = !team->sense[t];
  if (atomic_fetch_add_explicit(&team->arrived, 1, memory_order_acq_rel) == team->count - 1) {
    atomic_store_explicit(&team->arrived, 0, memory_order_relaxed);
    atomic_store_explicit(&team->phase, phase, memory_order_release);
    return;
  }
  for (unsigned spins = 0; atomic_load_explicit(&team->phase, memory_order_acquire) != phase; spins++)
    if (spins >= 2000) sched_yield();
}

typedef struct {
  gs_team *team;
  int t;
} gs_member;

static void *gs_team_start(void *arg) {
  const gs_member *m = arg;
  int gate;
  while ((gate = atomic_load_explicit(&m->team->gate, memory_order_acquire)) == 0) sched_yield();
  if (gate > 0) m->team->member(m->team, m->t);
  return NULL;
}

/* Runs member(team, t) for t = 0 .. team->count-1, member 0 on the calling thread. Returns 0,
 * having run nothing, when a thread cannot be made (the caller then runs the job alone). */
static int gs_team_run(gs_team *team, void (*member)(gs_team *, int), const void *job) {
  pthread_t threads[GS_MAX_THREADS];
  gs_member members[GS_MAX_THREADS];
  team->member = member, team->job = job;
  atomic_init(&team->arrived, 0);
  atomic_init(&team->phase, 0);
  for (int t = 0; t < team->count; t++) team->sense[t] = 0, members[t] = (gs_member){team, t};
  atomic_init(&team->gate, 0);
  int made = 1;
  while (made < team->count && pthread_create(&threads[made], NULL, gs_team_start, &members[made]) == 0) made++;
  const int all = made == team->count;
  atomic_store_explicit(&team->gate, all ? 1 : -1, memory_order_release);
  if (all) member(team, 0);
  for (int t = 1; t < made; t++) pthread_join(threads[t], NULL);
  return all;
}
#endif

#endif

"""A SIGTERM that lands while the tournament waits on its pool must not leave a future's lock
held: ``concurrent.futures.wait`` takes them one by one, and an exception raised from a signal
handler in the middle left some held, so shutting the pool down hung for ever."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import Future

import pytest

from game.arena import executors
from game.arena.tournament import Terminated


def test_interrupt_raises_at_once_outside_the_wait():
    with pytest.raises(Terminated):
        executors.interrupt(Terminated())


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
def test_a_signal_during_the_wait_is_raised_after_it_with_every_lock_released():
    futures: set[Future[dict[str, object]]] = {Future() for _ in range(50)}
    previous = signal.signal(signal.SIGALRM, lambda *_: executors.interrupt(Terminated()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        started = time.monotonic()
        with pytest.raises(Terminated):
            executors._wait_for_one(futures)
        assert time.monotonic() - started < 2 * executors.WAIT_POLL_SECONDS + 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The pool's manager thread finishes futures: it must not block on a lock left held.
    finishing = threading.Thread(target=lambda: [f.set_result({}) for f in futures])
    finishing.start()
    finishing.join(timeout=5)
    assert not finishing.is_alive(), "a future's lock was left held by the interrupted wait"
    assert not executors._deferring and not executors._deferred

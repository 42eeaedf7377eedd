package io.regionpm.recovery;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.regionpm.alloc.LockTimeoutException;

/**
 * The in-process half of a pool lock: the robust locks name their holder by process
 * registration, so threads of one process first exclude each other here, one in-JVM
 * readers-writer lock per pool lock offset (a mutex uses the write side).
 *
 * <p>Thread-safety: safe. Heap use: one entry per distinct pool lock used by this process.
 */
final class LocalLocks {
    private final ConcurrentHashMap<Long, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    /**
     * @param offset  the pool lock's offset
     * @param shared  the read side (else the write side)
     * @param timeout how long to wait
     * @return the lock taken, to be unlocked by the caller
     * @throws LockTimeoutException if another thread of this process holds it past the timeout
     */
    Lock acquire(long offset, boolean shared, Duration timeout) {
        ReentrantReadWriteLock rw = locks.computeIfAbsent(offset, k -> new ReentrantReadWriteLock());
        Lock lock = shared ? rw.readLock() : rw.writeLock();
        try {
            if (!lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LockTimeoutException("pool lock at " + offset + " still held by another thread of this process after "
                        + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException("interrupted while waiting for the pool lock at " + offset);
        }
        return lock;
    }
}

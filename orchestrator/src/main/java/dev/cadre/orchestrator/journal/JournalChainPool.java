package dev.cadre.orchestrator.journal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@link JournalChain}s of one store, lent to appends: a chain (a {@link javax.crypto.Mac} under the store's key and
 * the buffer an event is encoded into) is made once and reused by every run, so a run holds nothing but its last MAC
 * and an append allocates no buffer. A few chains are kept (about as many as threads append at once); a buffer that
 * grew past {@link #MAX_KEPT_BYTES} for a huge event is let go when its chain comes back.
 */
final class JournalChainPool {

    static final int MAX_KEPT_BYTES = 256 << 10;

    private final JournalKey key;
    private final AtomicReferenceArray<JournalChain> idle;

    JournalChainPool(JournalKey key) {
        this.key = key;
        this.idle = new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** An idle chain, or a new one when all are lent. */
    JournalChain take() {
        for (int i = 0; i < idle.length(); i++) {
            JournalChain chain = idle.getAndSet(i, null);
            if (chain != null) {
                return chain;
            }
        }
        return new JournalChain(key);
    }

    /** Returns a chain taken from this pool. */
    void give(JournalChain chain) {
        chain.trim(MAX_KEPT_BYTES);
        for (int i = 0; i < idle.length(); i++) {
            if (idle.compareAndSet(i, null, chain)) {
                return;
            }
        }
    }
}

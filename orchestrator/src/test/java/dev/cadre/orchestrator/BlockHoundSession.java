package dev.cadre.orchestrator;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound before any test of this module starts a Reactor thread, so every orchestrator test fails
 * when something blocks a non-blocking thread. Installing it later, from a test, breaks schedulers whose workers
 * are already parked.
 *
 * <p>The journal append is the one blocking call allowed on any thread: a short write to the page cache that keeps
 * "journaled before published" without a queue (see docs/journal.md).
 */
public class BlockHoundSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install(builder -> builder
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.JournalWriter", "append")
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.JournalWriter", "open")
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.JournalWriter", "close")
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.JournalWriter", "changedOnDisk")
                // the default store: a process's first segment is waited for once (later ones are prepared ahead), and
                // under fsync durability an append waits for the sync it shares (group commit)
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.SegmentLog", "roll")
                .allowBlockingCallsInside("dev.cadre.orchestrator.journal.SegmentLog", "awaitSync"));
    }
}

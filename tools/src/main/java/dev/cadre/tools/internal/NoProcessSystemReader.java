package dev.cadre.tools.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * JGit's system reader as it was, except that the system git configuration is found without starting a program:
 * JGit's default runs {@code git config --system --edit} (and on macOS a login shell) to find it, the first time any
 * JGit code reads configuration. Here it is {@code $GIT_CONFIG_SYSTEM}, else {@code /etc/gitconfig} (none when
 * {@code GIT_CONFIG_NOSYSTEM} is set). Everything else is delegated, so other JGit users in the process see no
 * difference; the git tools themselves read no system, user or repository setting that runs anything.
 */
public final class NoProcessSystemReader extends SystemReader {

    private final SystemReader delegate;

    private NoProcessSystemReader(SystemReader delegate) {
        this.delegate = delegate;
    }

    /** Installs the reader in JGit (once: JGit keeps one per process), wrapping whichever reader is installed. */
    public static void install() {
        synchronized (SystemReader.class) {
            SystemReader current = SystemReader.getInstance();
            if (!(current instanceof NoProcessSystemReader)) {
                SystemReader.setInstance(new NoProcessSystemReader(current));
            }
        }
    }

    @Override
    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
        if (getenv("GIT_CONFIG_NOSYSTEM") == null || getenv("GIT_CONFIG_NOSYSTEM").isEmpty()) {
            String configured = getenv("GIT_CONFIG_SYSTEM");
            File file = configured != null && !configured.isEmpty() ? new File(configured) : new File("/etc/gitconfig");
            if (!isWindows() && Files.isRegularFile(Path.of(file.getPath()))) {
                return new FileBasedConfig(parent, file, fs);
            }
        }
        return new FileBasedConfig(parent, null, fs) {
            @Override
            public void load() {
                // no system configuration
            }

            @Override
            public boolean isOutdated() {
                return false;
            }
        };
    }

    @Override
    public FileBasedConfig openUserConfig(Config parent, FS fs) {
        return delegate.openUserConfig(parent, fs);
    }

    @Override
    public FileBasedConfig openJGitConfig(Config parent, FS fs) {
        return delegate.openJGitConfig(parent, fs);
    }

    @Override
    public String getHostname() {
        return delegate.getHostname();
    }

    @Override
    public String getenv(String variable) {
        return delegate.getenv(variable);
    }

    @Override
    public String getProperty(String key) {
        return delegate.getProperty(key);
    }

    @Override
    public long getCurrentTime() {
        return delegate.getCurrentTime();
    }

    @Override
    public int getTimezone(long when) {
        return delegate.getTimezone(when);
    }
}

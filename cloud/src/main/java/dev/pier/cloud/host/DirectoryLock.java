package dev.pier.cloud.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a directory for as long as one provider uses it, held through a lock file:
 * another process (or another provider in this JVM) on the same directory is refused at once. The
 * operating system drops the lock when the process dies, so a killed Pier leaves no stale lock.
 */
public final class DirectoryLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectoryLock.class);

  private final FileLock lock;

  private DirectoryLock(FileLock lock) {
    this.lock = lock;
  }

  /**
   * @param whoHasIt what the refusal says, e.g. "another Pier process manages the machines of X"
   * @throws IllegalStateException when the directory is locked already
   */
  public static DirectoryLock acquire(Path dir, String lockFile, String whoHasIt) {
    try {
      Files.createDirectories(dir);
      FileChannel channel = FileChannel.open(dir.resolve(lockFile), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(whoHasIt);
      }
      return new DirectoryLock(lock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException e) {
      log.debug("could not release {}: {}", lock, e.toString());
    }
  }
}

// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The only owner of native downcalls: {@code open}, {@code flock}, {@code close} and {@code kill},
 * each with {@code errno} captured by the linker (a later JDK call could otherwise overwrite it).
 *
 * <p>The JDK cannot take {@code flock(2)} locks ({@code FileChannel.lock} takes POSIX record locks,
 * which runsc does not see), nor send signal 0, so these four calls go through FFM. Constants are
 * the Linux values, identical on x86-64 and AArch64.
 */
final class Posix {
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EWOULDBLOCK = 11;

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    /** EINTR can only come from a signal handler; a bounded retry keeps every wait finite. */
    private static final int MAX_EINTR_RETRIES = 100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    // Each downcall is linked on first use (holder classes): linking costs milliseconds at start-up,
    // and export-metrics, for one, never needs kill(2).
    private static final class Open {
        // open(2) is variadic; the mode argument is passed (as 0) so the call matches its C prototype.
        static final MethodHandle HANDLE = downcall("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Flock {
        static final MethodHandle HANDLE = downcall("flock",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Close {
        static final MethodHandle HANDLE = downcall("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Kill {
        static final MethodHandle HANDLE = downcall("kill",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private Posix() {}

    @SuppressWarnings("restricted") // the module is run with --enable-native-access (jlink image option)
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor,
            Linker.Option... extra) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no C library function " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Result of a call: the return value and, if it was -1, the captured errno. */
    record Result(int value, int errno) {
        boolean failed() {
            return value == -1;
        }
    }

    /**
     * Opens {@code path} with {@code O_RDONLY|O_CLOEXEC} and deliberately without {@code O_CREAT}:
     * a missing lock file means the container is gone, and creating one would leave strays behind.
     */
    static Result openReadOnly(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            for (int attempt = 0; ; attempt++) {
                int fd = (int) Open.HANDLE.invokeExact(state, cPath, O_RDONLY | O_CLOEXEC, 0);
                Result result = result(fd, state);
                if (!result.failed() || result.errno() != EINTR || attempt >= MAX_EINTR_RETRIES) {
                    return result;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code flock(fd, LOCK_EX|LOCK_NB)}: never blocks; EWOULDBLOCK means someone holds it. */
    static Result tryLockExclusive(int fd) {
        return flock(fd, LOCK_EX | LOCK_NB);
    }

    /** {@code flock(fd, LOCK_UN)}. */
    static Result unlock(int fd) {
        return flock(fd, LOCK_UN);
    }

    private static Result flock(int fd, int operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            for (int attempt = 0; ; attempt++) {
                Result result = result((int) Flock.HANDLE.invokeExact(state, fd, operation), state);
                if (!result.failed() || result.errno() != EINTR || attempt >= MAX_EINTR_RETRIES) {
                    return result;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(fd)}; never retried on EINTR, because Linux has released the fd already. */
    static Result close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            return result((int) Close.HANDLE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code kill(pid, sig)}. */
    static Result kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            return result((int) Kill.HANDLE.invokeExact(state, pid, signal), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A short text for an errno value, for messages, e.g. "permission denied (EACCES)". */
    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted (EPERM)";
            case ENOENT -> "no such file or directory (ENOENT)";
            case 3 -> "no such process (ESRCH)";
            case EINTR -> "interrupted system call (EINTR)";
            case 9 -> "bad file descriptor (EBADF)";
            case EWOULDBLOCK -> "resource temporarily unavailable (EWOULDBLOCK)";
            case EACCES -> "permission denied (EACCES)";
            case 20 -> "not a directory (ENOTDIR)";
            case 21 -> "is a directory (EISDIR)";
            case 24 -> "too many open files (EMFILE)";
            case 36 -> "file name too long (ENAMETOOLONG)";
            case 40 -> "too many levels of symbolic links (ELOOP)";
            default -> "errno " + errno;
        };
    }

    private static Result result(int value, MemorySegment state) {
        return new Result(value, value == -1 ? (int) ERRNO.get(state, 0L) : 0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}

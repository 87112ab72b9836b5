// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The only owner of native downcalls: {@code openat}, {@code fstat}, {@code read}, {@code flock},
 * {@code close}, {@code kill} and {@code rt_sigaction}, each with {@code errno} captured by the linker (a later JDK call
 * could otherwise overwrite it).
 *
 * <p>The JDK cannot take {@code flock(2)} locks ({@code FileChannel.lock} takes POSIX record locks,
 * which runsc does not see), nor send signal 0, nor open a file without blocking (opening a FIFO
 * for reading waits for a writer), nor handle a signal the process inherited as ignored (the JVM
 * leaves SIGINT ignored in a background job of a shell), so these calls go through FFM. All of them go through one
 * downcall handle of the C library's {@code syscall(2)}: linking a handle is the main start-up
 * cost of a short command (each one spins method-handle and stub classes that no AOT cache holds;
 * about 30 ms for three handles against one, see BENCHMARKS.md, export-metrics start-up), and every call
 * here takes at most four integer or pointer arguments. The C library still sets {@code errno}
 * from the kernel's result, as its wrappers do. Syscall numbers differ by architecture: those of
 * x86-64 and AArch64 are here, the two that gVisor (and so runsc) runs on; flag and errno values
 * are the same on both.
 */
final class Posix {
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EWOULDBLOCK = 11;
    static final int ENXIO = 6;

    private static final long AT_FDCWD = -100;
    private static final long O_RDONLY = 0;
    private static final long O_CLOEXEC = 0x80000;
    private static final long O_NOCTTY = 0x100;
    private static final long O_NONBLOCK = 0x800;
    private static final long LOCK_EX = 2;
    private static final long LOCK_NB = 4;
    private static final long LOCK_UN = 8;
    /** EINTR can only come from a signal handler; a bounded retry keeps every wait finite. */
    private static final int MAX_EINTR_RETRIES = 100;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

    /** Linked on first use (holder class): {@link #describe} and the constants need no native code. */
    private static final class Native {
        static final Sys SYS = Sys.of(System.getProperty("os.arch", ""));
        // long syscall(long number, ...), linked as if it took five named longs, without
        // Linker.Option.firstVariadicArg: that option costs about 10 ms of an export-metrics run
        // (BENCHMARKS.md, export-metrics start-up; the x86-64 linker binds the %al count in spun method-handle
        // classes). For integer arguments the two calls put the same values in the same
        // registers. The one difference is %al on x86-64, the number of vector registers used
        // (here 0). glibc's syscall() (sysdeps/unix/sysv/linux/x86_64/syscall.S) is written in
        // assembly and never reads it; on AArch64 Linux, variadic arguments are passed just as
        // named ones. The image's JDK is a glibc build, so that is the C library in use.
        static final MethodHandle SYSCALL = downcall("syscall",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.captureCallState("errno"));
        // errno's offset found by walking the members, which costs nothing; a layout path (a
        // VarHandle or byteOffset) would initialise more method-handle machinery at start-up.
        static final long ERRNO_OFFSET = errnoOffset();
    }

    /**
     * Syscall numbers of one architecture, and where {@code fstat} puts {@code st_mode} (the other
     * fields used here are at the same offsets on both: x86-64's {@code struct stat} and the
     * generic one of AArch64 differ before {@code st_size} only in the order of mode and link count).
     */
    private record Sys(long openat, long close, long flock, long kill, long read, long fstat,
                       long statSize, long modeOffset, long rtSigaction) {
        static Sys of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Sys(257, 3, 73, 62, 0, 5, 144, 24, 13);
                case "aarch64" -> new Sys(56, 57, 32, 129, 63, 80, 128, 16, 134);
                default -> throw new UnsupportedOperationException(
                        "no syscall numbers for architecture " + arch + " (runsc runs on amd64 and arm64)");
            };
        }
    }

    private Posix() {}

    @SuppressWarnings("restricted") // the module is run with --enable-native-access (jlink image option)
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no C library function " + name));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    private static long errnoOffset() {
        long offset = 0;
        for (MemoryLayout member : CAPTURE_LAYOUT.memberLayouts()) {
            if (member.name().filter("errno"::equals).isPresent()) {
                return offset;
            }
            offset += member.byteSize();
        }
        throw new IllegalStateException("the linker captures no errno: " + CAPTURE_LAYOUT);
    }

    /** Result of a call: the return value and, if it was -1, the captured errno. */
    record Result(int value, int errno) {
        boolean failed() {
            return value == -1;
        }
    }

    /**
     * Opens {@code path} with {@code O_RDONLY|O_CLOEXEC|O_NONBLOCK|O_NOCTTY} and deliberately
     * without {@code O_CREAT}: a missing lock file means the container is gone, and creating one
     * would leave strays behind. {@code O_NONBLOCK} makes the open of a FIFO return at once
     * instead of waiting for a writer, and {@code O_NOCTTY} keeps a terminal from becoming the
     * controlling one; on a regular file neither changes anything. Callers check the type with
     * {@link #fstat} before reading.
     */
    static Result openReadOnly(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            for (int attempt = 0; ; attempt++) {
                Result result = call(state, Native.SYS.openat(), AT_FDCWD, cPath.address(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
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

    private static Result flock(int fd, long operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            for (int attempt = 0; ; attempt++) {
                Result result = call(state, Native.SYS.flock(), fd, operation, 0, 0);
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
            return call(state, Native.SYS.close(), fd, 0, 0, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code kill(pid, sig)}. */
    static Result kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            return call(state, Native.SYS.kill(), pid, signal, 0, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The kernel's {@code struct sigaction}: handler, flags, restorer, mask; 8 bytes each on both. */
    private static final long SIGACTION_BYTES = 32;
    private static final long SIGSET_BYTES = 8;
    private static final long SIG_IGN = 1;

    /**
     * Gives {@code signal} its default action if the process inherited it as ignored, and leaves
     * any other action alone. The JVM installs no handler for an ignored SIGINT, SIGTERM or SIGHUP,
     * and a background job of a shell inherits SIGINT ignored; Go's {@code signal.Notify}, which
     * upstream uses, takes such a signal back the same way.
     *
     * @return value 1 if the signal was ignored and now has its default action, 0 if it was not
     *     ignored, -1 with errno on failure
     */
    static Result restoreIfIgnored(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
            Result read = call(state, Native.SYS.rtSigaction(), signal, 0, old.address(), SIGSET_BYTES);
            if (read.failed() || old.get(ValueLayout.JAVA_LONG, 0) != SIG_IGN) {
                return read;
            }
            MemorySegment fresh = arena.allocate(SIGACTION_BYTES, 8); // zeroed: SIG_DFL, no flags, empty mask
            Result set = call(state, Native.SYS.rtSigaction(), signal, fresh.address(), 0, SIGSET_BYTES);
            return set.failed() ? set : new Result(1, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Offsets in {@code struct stat} that x86-64 and AArch64 share. */
    private static final long ST_DEV = 0;
    private static final long ST_INO = 8;
    private static final long ST_SIZE = 48;
    private static final long ST_MTIME = 88;
    private static final long ST_MTIME_NSEC = 96;

    /**
     * {@code fstat(fd)}.
     *
     * @return the status of the open file
     * @throws IOException naming the errno if the call fails
     */
    static FileStatus fstat(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment buf = arena.allocate(Native.SYS.statSize(), 8);
            Result result = call(state, Native.SYS.fstat(), fd, buf.address(), 0, 0);
            if (result.failed()) {
                throw new IOException("fstat: " + describe(result.errno()));
            }
            return new FileStatus(buf.get(ValueLayout.JAVA_INT, Native.SYS.modeOffset()),
                    buf.get(ValueLayout.JAVA_LONG, ST_DEV), buf.get(ValueLayout.JAVA_LONG, ST_INO),
                    buf.get(ValueLayout.JAVA_LONG, ST_SIZE),
                    Instant.ofEpochSecond(buf.get(ValueLayout.JAVA_LONG, ST_MTIME),
                            buf.get(ValueLayout.JAVA_LONG, ST_MTIME_NSEC)));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes asked for per {@code read(2)}: state files are about 50 KB. */
    private static final int READ_CHUNK = 64 << 10;

    /**
     * Reads from {@code fd} until end of file or until {@code limit} bytes have been read.
     *
     * @param fd an open descriptor of a regular file (a read then never waits for a writer)
     * @param sizeHint the expected size, to size the result; the file may have changed since
     * @param limit the most bytes to read
     * @return the bytes read, at most {@code limit}
     * @throws IOException naming the errno if a read fails
     */
    static byte[] readUpTo(int fd, long sizeHint, int limit) throws IOException {
        byte[] bytes = new byte[(int) Math.max(0, Math.min(limit, sizeHint))];
        int length = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment chunk = arena.allocate(READ_CHUNK);
            int eintr = 0;
            while (length < limit) {
                int want = Math.min(READ_CHUNK, limit - length);
                Result result = call(state, Native.SYS.read(), fd, chunk.address(), want, 0);
                if (result.failed()) {
                    if (result.errno() == EINTR && eintr++ < MAX_EINTR_RETRIES) {
                        continue;
                    }
                    throw new IOException("read: " + describe(result.errno()));
                }
                int n = result.value();
                if (n == 0) {
                    break;
                }
                if (length + n > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) bytes.length * 2, length + n)));
                }
                MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, bytes, length, n);
                length += n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    /**
     * Links the downcall now, on the calling thread (a thread that calls in meanwhile waits for
     * it), and makes one harmless call through it, {@code kill(own pid, 0)}: the first call is
     * slow too (its method-handle forms start out interpreted), and a thread that links ahead
     * should take that cost as well.
     */
    static void link() {
        Objects.requireNonNull(Native.SYSCALL);
        kill((int) ProcessHandle.current().pid(), 0);
    }

    /** A short text for an errno value, for messages, e.g. "permission denied (EACCES)". */
    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted (EPERM)";
            case ENOENT -> "no such file or directory (ENOENT)";
            case 3 -> "no such process (ESRCH)";
            case ENXIO -> "no such device or address (ENXIO)";
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

    /** One system call; every result here (a descriptor or 0) fits an int, and -1 means errno is set. */
    private static Result call(MemorySegment state, long number, long a1, long a2, long a3, long a4)
            throws Throwable {
        int value = (int) (long) Native.SYSCALL.invokeExact(state, number, a1, a2, a3, a4);
        return new Result(value, value == -1 ? state.get(ValueLayout.JAVA_INT, Native.ERRNO_OFFSET) : 0);
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

// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import runsc.metrics.runtime.InheritedSignals;

/**
 * Waiting for SIGINT or SIGTERM. A JVM shutdown hook would run too late to let the command finish
 * its own orderly stop and exit 0 as runsc does, so the two signals are handled directly with
 * {@code sun.misc.Signal} from {@code jdk.unsupported}, the supported way to do so. It is reached
 * reflectively only because javac flags every direct use with a warning that cannot be suppressed,
 * and this build treats warnings as errors. SIGQUIT stays the JVM's (a thread dump): the JVM does
 * not let a program take it over. A signal inherited as ignored (SIGINT in a background job of a
 * shell) first gets its default action back, as Go's {@code signal.Notify} does for upstream.
 */
final class Signals {
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name = "";

    private Signals() {}

    /**
     * Starts listening for SIGINT and SIGTERM.
     *
     * @return the listener
     * @throws IllegalStateException if this runtime cannot install signal handlers
     */
    static Signals install() {
        InheritedSignals.restoreIgnored(InheritedSignals.SIGINT, InheritedSignals.SIGTERM);
        Signals s = new Signals();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            s.name = "SIG" + signalClass.getMethod("getName").invoke(args[0]);
                            s.received.countDown();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "signal handler";
                        };
                    });
            var handle = signalClass.getMethod("handle", signalClass, handlerClass);
            var constructor = signalClass.getConstructor(String.class);
            for (String sig : new String[] {"INT", "TERM"}) {
                handle.invoke(null, constructor.newInstance(sig), handler);
            }
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("cannot handle SIGINT and SIGTERM: " + cause, cause);
        }
        return s;
    }

    /**
     * Blocks until a signal arrives.
     *
     * @return the signal, such as {@code SIGTERM}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    String await() throws InterruptedException {
        received.await();
        return name;
    }
}

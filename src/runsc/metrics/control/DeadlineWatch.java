// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a channel when its deadline passes, so that a blocking write or read on it ends at once
 * (with {@link java.nio.channels.AsynchronousCloseException}); {@link #close()} calls it off.
 *
 * <p>This bounds every wait of an exchange without a {@link java.nio.channels.Selector} per call:
 * a scrape of a thousand sandboxes would otherwise open and close two thousand epoll instances. A
 * blocked virtual thread is parked in the JDK's shared poller meanwhile. One daemon timer thread
 * serves the whole process; it is started on first use.
 */
final class DeadlineWatch implements Runnable, AutoCloseable {
    private static final class Timer {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            var timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("control-deadlines").unstarted(r));
            timer.setRemoveOnCancelPolicy(true); // exchanges end long before their deadlines
            return timer;
        }
    }

    private final Channel channel;
    private final ScheduledFuture<?> task;
    private volatile boolean expired;

    private DeadlineWatch(Channel channel, long deadlineNanos) {
        this.channel = channel;
        this.task = Timer.INSTANCE.schedule(this, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Starts the timer thread ahead of the first exchange (a short command's start-up). */
    static void prepare() {
        Timer.INSTANCE.prestartCoreThread();
    }

    /**
     * Starts watching.
     *
     * @param channel the channel to close at the deadline
     * @param deadlineNanos a {@link System#nanoTime()} value
     * @return the watch; close it when the exchange is over
     */
    static DeadlineWatch start(Channel channel, long deadlineNanos) {
        return new DeadlineWatch(channel, deadlineNanos);
    }

    /** {@return whether the deadline passed and the channel was closed for it} */
    boolean expired() {
        return expired;
    }

    /** Runs on the timer thread at the deadline. */
    @Override
    public void run() {
        expired = true;
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket channel does not fail in a way that leaves it open.
        }
    }

    /** Calls the watch off; the channel stays as it is. */
    @Override
    public void close() {
        task.cancel(false);
    }
}

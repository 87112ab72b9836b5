// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.List;

/**
 * Test support: decides the reply to each {@code Metrics.Export} call of a simulated sandbox in
 * place of its metric catalogue. The filter in the request is not applied to scripted replies, so a
 * test can also send data that violates it. Called from connection threads, one call at a time per
 * sandbox.
 */
@FunctionalInterface
public interface ReplyScript {

    /**
     * {@return the reply to the call numbered {@code call}, counting from 0 per sandbox}
     *
     * @param call the call number
     */
    ScriptedReply reply(long call);

    /**
     * {@return a script that answers call i with {@code replies.get(i)} and repeats the last reply
     * once the list is used up}
     *
     * @param replies at least one reply
     */
    static ReplyScript sequence(List<ScriptedReply> replies) {
        List<ScriptedReply> copy = List.copyOf(replies);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a reply sequence needs at least one reply");
        }
        return call -> copy.get((int) Math.min(call, copy.size() - 1));
    }
}

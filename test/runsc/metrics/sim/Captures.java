// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.PythonBytes;

/** Reads exchanges out of the real urpc captures (section B: SENT and RECEIVED Python byte reprs). */
final class Captures {
    static final Path FILE = ProjectFiles.sample("real-urpc-captures.txt");

    private Captures() {}

    /** The bytes the real sandbox answered to the first capture that sent exactly {@code request}. */
    static String replyTo(String request) throws IOException {
        List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
        String sent = "bytes: b'" + request.replace("\\", "\\\\") + "'";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(">>> SENT") && lines.get(i).endsWith(sent)) {
                for (int j = i + 1; j < lines.size(); j++) {
                    String l = lines.get(j);
                    if (l.startsWith("<<< RECEIVED")) {
                        return new String(PythonBytes.decode(l.substring(l.indexOf("b'") + 2, l.length() - 1)),
                                StandardCharsets.ISO_8859_1);
                    }
                }
            }
        }
        throw new AssertionError("no capture sent " + request);
    }
}

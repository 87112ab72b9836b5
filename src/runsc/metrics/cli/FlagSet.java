// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import runsc.metrics.gotext.GoQuote;

/**
 * Command-line flags with the rules of Go's {@code flag} package, which runsc uses, so that scripts
 * written for runsc work unchanged: {@code -f} and {@code --f} are the same flag; a value follows
 * after {@code =} or as the next argument; a boolean takes no separate argument ({@code -f},
 * {@code -f=false}); parsing stops at the first argument that is not a flag, or after {@code --}; a
 * repeated flag keeps its last value unless it is a list. Error texts are Go's.
 */
final class FlagSet {
    private final String name;
    private final Map<String, Flag<?>> flags = new TreeMap<>();

    FlagSet(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** A defined flag and, after parsing, its value. */
    static final class Flag<T> {
        private final Definition<T> definition;
        private T value;
        private boolean set;

        private Flag(Definition<T> definition) {
            this.definition = definition;
            this.value = definition.defaultValue();
        }

        /** The parsed value, or the default. */
        T get() {
            return value;
        }

        /** True if the flag appeared on the command line. */
        boolean isSet() {
            return set;
        }

        String name() {
            return definition.name();
        }
    }

    /**
     * What a flag is before any parsing, which the usage text prints: fixed when it is defined, apart
     * from the value a parse sets.
     */
    private record Definition<T>(String name, String usage, Kind kind, T defaultValue, Parser<T> parser) { }

    private enum Kind { BOOL, STRING, INT, LIST }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text, Object previous) throws IllegalArgumentException;
    }

    Flag<String> string(String flagName, String defaultValue, String usage) {
        return define(new Definition<>(flagName, usage, Kind.STRING, defaultValue, (s, p) -> s));
    }

    Flag<Boolean> bool(String flagName, String usage) {
        return define(new Definition<>(flagName, usage, Kind.BOOL, false, (s, p) -> parseBool(s)));
    }

    Flag<Integer> integer(String flagName, int defaultValue, String usage) {
        return define(new Definition<>(flagName, usage, Kind.INT, defaultValue, (s, p) -> parseInt(s)));
    }

    /** A flag that may be repeated; each occurrence adds one value. */
    Flag<List<String>> list(String flagName, String usage) {
        return define(new Definition<List<String>>(flagName, usage, Kind.LIST, List.of(), (s, p) -> {
            @SuppressWarnings("unchecked")
            List<String> before = (List<String>) p;
            List<String> all = new ArrayList<>(before);
            all.add(s);
            return List.copyOf(all);
        }));
    }

    private <T> Flag<T> define(Definition<T> definition) {
        Flag<T> flag = new Flag<>(definition);
        if (flags.putIfAbsent(definition.name(), flag) != null) {
            throw new IllegalStateException(name + " flag redefined: " + definition.name());
        }
        return flag;
    }

    /** Names of all flags, sorted, for checks such as "every flag is in the man page". */
    List<String> names() {
        return List.copyOf(flags.keySet());
    }

    /**
     * Parses flags from the front of {@code args}.
     *
     * @return the remaining arguments: the first non-flag argument and everything after it
     * @throws UsageException for an unknown flag, a missing or bad value, or bad syntax
     * @throws HelpRequested  for {@code -h} or {@code -help} when no such flag is defined
     */
    List<String> parse(List<String> args) throws UsageException, HelpRequested {
        int i = 0;
        while (i < args.size()) {
            String s = args.get(i);
            if (s.length() < 2 || s.charAt(0) != '-') {
                break;
            }
            int minuses = 1;
            if (s.charAt(1) == '-') {
                minuses = 2;
                if (s.length() == 2) {
                    i++;
                    break;
                }
            }
            String flagName = s.substring(minuses);
            if (flagName.isEmpty() || flagName.charAt(0) == '-' || flagName.charAt(0) == '=') {
                throw new UsageException("bad flag syntax: " + s);
            }
            i++;
            String value = null;
            int eq = flagName.indexOf('=');
            if (eq > 0) {
                value = flagName.substring(eq + 1);
                flagName = flagName.substring(0, eq);
            }
            Flag<?> flag = flags.get(flagName);
            if (flag == null) {
                if (flagName.equals("help") || flagName.equals("h")) {
                    throw new HelpRequested();
                }
                throw new UsageException("flag provided but not defined: -" + flagName);
            }
            if (flag.definition.kind() == Kind.BOOL) {
                if (value == null) {
                    value = "true";
                }
                try {
                    assign(flag, value);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("invalid boolean value \"" + value + "\" for -" + flagName + ": " + e.getMessage());
                }
                continue;
            }
            if (value == null) {
                if (i >= args.size()) {
                    throw new UsageException("flag needs an argument: -" + flagName);
                }
                value = args.get(i++);
            }
            try {
                assign(flag, value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid value \"" + value + "\" for flag -" + flagName + ": " + e.getMessage());
            }
        }
        return List.copyOf(args.subList(i, args.size()));
    }

    private static <T> void assign(Flag<T> flag, String text) {
        flag.value = flag.definition.parser().parse(text, flag.value);
        flag.set = true;
    }

    /**
     * Appends the flag list as Go's {@code PrintDefaults} does: two spaces, {@code -name}, the type for
     * non-booleans, then the usage on the next line after four spaces and a tab, then the default when
     * it is not the zero value.
     */
    void printDefaults(StringBuilder out) {
        for (Flag<?> flag : flags.values()) {
            Definition<?> d = flag.definition;
            out.append("  -").append(d.name());
            String type = switch (d.kind()) {
                case BOOL -> "";
                case STRING -> "string";
                case INT -> "int";
                case LIST -> "value";
            };
            if (!type.isEmpty()) {
                out.append(' ').append(type);
            }
            out.append(d.name().length() == 1 && type.isEmpty() ? "\t" : "\n    \t");
            out.append(d.usage().replace("\n", "\n    \t"));
            switch (d.kind()) {
                case STRING -> {
                    if (!((String) d.defaultValue()).isEmpty()) {
                        out.append(" (default ").append(GoQuote.quote((String) d.defaultValue())).append(')');
                    }
                }
                case INT -> {
                    if ((Integer) d.defaultValue() != 0) {
                        out.append(" (default ").append(d.defaultValue()).append(')');
                    }
                }
                case BOOL, LIST -> { }
            }
            out.append('\n');
        }
    }

    /** Go's {@code strconv.ParseBool}. */
    private static boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException("parse error");
        };
    }

    /** Go's {@code strconv.ParseInt(s, 0, 64)} narrowed to int: decimal, or 0x / 0o / 0b prefixes, with underscores. */
    private static int parseInt(String s) {
        String t = s;
        boolean negative = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            negative = t.charAt(0) == '-';
            t = t.substring(1);
        }
        int radix = 10;
        if (t.length() > 2 && t.charAt(0) == '0') {
            switch (Character.toLowerCase(t.charAt(1))) {
                case 'x' -> radix = 16;
                case 'o' -> radix = 8;
                case 'b' -> radix = 2;
                default -> { }
            }
            if (radix != 10) {
                t = t.substring(2).replace("_", "");
            }
        } else if (t.length() > 1 && t.charAt(0) == '0') {
            radix = 8;
        }
        final int base = radix;
        if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            throw new IllegalArgumentException("parse error");
        }
        try {
            long v = Long.parseLong(t, radix);
            v = negative ? -v : v;
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("value out of range");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value out of range");
        }
    }
}

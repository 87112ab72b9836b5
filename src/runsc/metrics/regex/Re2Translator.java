// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * Parses a pattern with the rules of Go's {@code regexp/syntax} (Perl flags, as
 * {@code regexp.Compile} uses) and writes an equivalent java.util.regex pattern.
 *
 * <p>The parser walks the pattern once, left to right, like Go's {@code parse}: the error for
 * the first problem wins and quotes the same part of the pattern Go quotes. Everything it emits
 * is spelled so java.util.regex cannot read it differently: literals outside classes are
 * escaped, literals inside classes are written as {@code \x{h}}, {@code .}, {@code ^},
 * {@code $} and {@code \s} are written out with RE2's meaning, {@code (?U)} swaps greediness
 * while emitting, and named groups become plain groups (names are never used for filtering).
 */
final class Re2Translator {
    /**
     * Deepest group nesting accepted. Go allows a parse tree 1000 levels high; java.util.regex
     * compiles and matches recursively, one set of stack frames per level, and 1000 levels can
     * overflow a 1 MiB thread stack, so the limit is lower here. No real filter comes close.
     */
    static final int MAX_NESTING = 250;
    /** Largest repetition count, and largest product of nested counts (Go's rule). */
    static final int MAX_REPEAT = 1000;

    /** Go's {@code unicode.Categories} keys, in canonical form ({@code LC} is {@code Lc}). */
    private static final Set<String> CATEGORIES = Set.of(
            "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Lc", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
            "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
            "Sm", "So", "Z", "Zl", "Zp", "Zs");

    /** Go's {@code unicode.CategoryAliases} (Unicode's long names), keys in canonical form. */
    private static final Map<String, String> CATEGORY_ALIASES = Map.ofEntries(
            Map.entry("Casedletter", "Lc"), Map.entry("Closepunctuation", "Pe"),
            Map.entry("Combiningmark", "M"), Map.entry("Connectorpunctuation", "Pc"),
            Map.entry("Control", "Cc"), Map.entry("Cntrl", "Cc"), Map.entry("Currencysymbol", "Sc"),
            Map.entry("Dashpunctuation", "Pd"), Map.entry("Decimalnumber", "Nd"), Map.entry("Digit", "Nd"),
            Map.entry("Enclosingmark", "Me"), Map.entry("Finalpunctuation", "Pf"), Map.entry("Format", "Cf"),
            Map.entry("Initialpunctuation", "Pi"), Map.entry("Letter", "L"), Map.entry("Letternumber", "Nl"),
            Map.entry("Lineseparator", "Zl"), Map.entry("Lowercaseletter", "Ll"), Map.entry("Mark", "M"),
            Map.entry("Mathsymbol", "Sm"), Map.entry("Modifierletter", "Lm"), Map.entry("Modifiersymbol", "Sk"),
            Map.entry("Nonspacingmark", "Mn"), Map.entry("Number", "N"), Map.entry("Openpunctuation", "Ps"),
            Map.entry("Other", "C"), Map.entry("Otherletter", "Lo"), Map.entry("Othernumber", "No"),
            Map.entry("Otherpunctuation", "Po"), Map.entry("Othersymbol", "So"),
            Map.entry("Paragraphseparator", "Zp"), Map.entry("Privateuse", "Co"), Map.entry("Punct", "P"),
            Map.entry("Punctuation", "P"), Map.entry("Separator", "Z"), Map.entry("Spaceseparator", "Zs"),
            Map.entry("Spacingmark", "Mc"), Map.entry("Surrogate", "Cs"), Map.entry("Symbol", "S"),
            Map.entry("Titlecaseletter", "Lt"), Map.entry("Unassigned", "Cn"), Map.entry("Uppercaseletter", "Lu"));

    /** POSIX classes as ASCII ranges in Java class syntax (RE2 defines them over ASCII). */
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "0-9A-Za-z"),
            Map.entry("alpha", "A-Za-z"),
            Map.entry("ascii", "\\x{0}-\\x{7F}"),
            Map.entry("blank", "\\x{9}\\x{20}"),
            Map.entry("cntrl", "\\x{0}-\\x{1F}\\x{7F}"),
            Map.entry("digit", "0-9"),
            Map.entry("graph", "\\x{21}-\\x{7E}"),
            Map.entry("lower", "a-z"),
            Map.entry("print", "\\x{20}-\\x{7E}"),
            Map.entry("punct", "\\x{21}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{60}\\x{7B}-\\x{7E}"),
            Map.entry("space", "\\x{9}-\\x{D}\\x{20}"),
            Map.entry("upper", "A-Z"),
            Map.entry("word", "0-9A-Z_a-z"),
            Map.entry("xdigit", "0-9A-Fa-f"));

    private static final String PERL_DIGIT = "0-9";
    private static final String PERL_SPACE = "\\x{9}\\x{A}\\x{C}\\x{D}\\x{20}";
    private static final String PERL_WORD = "0-9A-Z_a-z";
    private static final String ANY_CHAR = "\\x{0}-\\x{10FFFF}";

    /** What the last emitted atom is; decides whether a repetition needs a group around it. */
    private enum Atom { NONE, SIMPLE, ASSERTION, REPEATED }

    /** An open group: what to restore at its {@code )}. */
    private record Frame(boolean foldCase, boolean multiLine, boolean dotNl, boolean nonGreedy,
                         int outStart, int outerWeight) {}

    private final String src;
    private final StringBuilder out = new StringBuilder();
    private final Deque<Frame> frames = new ArrayDeque<>();
    private int pos;
    private boolean foldCase;
    private boolean multiLine;
    private boolean dotNl;
    private boolean nonGreedy;
    private Atom atom = Atom.NONE;
    private int atomStart;
    private int atomEnd;
    private int atomWeight = 1;
    private int seqWeight = 1;
    private int lastRepeat = -1;

    private Re2Translator(String src) {
        this.src = src;
    }

    /**
     * Translates a pattern.
     *
     * @param re2 the pattern in RE2 syntax
     * @return the java.util.regex pattern text
     * @throws Re2SyntaxException if RE2 would reject the pattern
     */
    static String translate(String re2) throws Re2SyntaxException {
        return new Re2Translator(re2).parse();
    }

    private String parse() throws Re2SyntaxException {
        checkUtf8();
        while (pos < src.length()) {
            int repeatStart = -1;
            char c = src.charAt(pos);
            switch (c) {
                case '(' -> openGroup();
                case '|' -> {
                    pos++;
                    out.append('|');
                    atom = Atom.NONE;
                }
                case ')' -> closeGroup();
                case '^' -> {
                    pos++;
                    assertion(multiLine ? "(?<![^\\n])" : "\\A");
                }
                case '$' -> {
                    pos++;
                    assertion(multiLine ? "(?![^\\n])" : "\\z");
                }
                case '.' -> {
                    pos++;
                    simple(dotNl ? "[" + ANY_CHAR + "]" : "[^\\n]");
                }
                case '[' -> parseClass();
                case '*', '+', '?' -> {
                    repeatStart = pos;
                    pos++;
                    int min = c == '+' ? 1 : 0;
                    int max = c == '?' ? 1 : -1;
                    repeat(String.valueOf(c), min, max, repeatStart, false);
                }
                case '{' -> repeatStart = parseBrace();
                case '\\' -> parseBackslash();
                default -> {
                    int cp = src.codePointAt(pos);
                    pos += Character.charCount(cp);
                    literal(cp);
                }
            }
            lastRepeat = repeatStart;
        }
        if (!frames.isEmpty()) {
            throw error(Re2ErrorCode.MISSING_PAREN, src);
        }
        return out.toString();
    }

    private void checkUtf8() throws Re2SyntaxException {
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < src.length()
                    && Character.isLowSurrogate(src.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error(Re2ErrorCode.INVALID_UTF8, src.substring(i));
            }
        }
    }

    // Groups and flags: Go parse.go, case '(' and parsePerlFlags.

    private void openGroup() throws Re2SyntaxException {
        if (src.startsWith("(?", pos)) {
            parsePerlFlags();
            return;
        }
        pos++;
        pushFrame("(");
    }

    private void pushFrame(String opening) throws Re2SyntaxException {
        if (frames.size() >= MAX_NESTING) {
            throw error(Re2ErrorCode.NESTING_DEPTH, src);
        }
        frames.push(new Frame(foldCase, multiLine, dotNl, nonGreedy, out.length(), seqWeight));
        out.append(opening);
        atom = Atom.NONE;
        seqWeight = 1;
    }

    private void parsePerlFlags() throws Re2SyntaxException {
        int start = pos;
        String t = src.substring(pos);
        boolean withP = t.length() > 4 && t.charAt(2) == 'P' && t.charAt(3) == '<';
        boolean withName = t.length() > 3 && t.charAt(2) == '<';
        if (withP || withName) {
            int end = t.indexOf('>');
            if (end < 0) {
                throw error(Re2ErrorCode.INVALID_NAMED_CAPTURE, t);
            }
            String name = t.substring(withP ? 4 : 3, end);
            if (!validCaptureName(name)) {
                throw error(Re2ErrorCode.INVALID_NAMED_CAPTURE, t.substring(0, end + 1));
            }
            pos += end + 1;
            pushFrame("(");
            return;
        }
        pos += 2;
        boolean fold = foldCase;
        boolean multi = multiLine;
        boolean dot = dotNl;
        boolean lazy = nonGreedy;
        boolean negate = false;
        boolean sawFlag = false;
        while (pos < src.length()) {
            int c = src.codePointAt(pos);
            pos += Character.charCount(c);
            switch (c) {
                case 'i' -> { fold = !negate; sawFlag = true; }
                case 'm' -> { multi = !negate; sawFlag = true; }
                case 's' -> { dot = !negate; sawFlag = true; }
                case 'U' -> { lazy = !negate; sawFlag = true; }
                case '-' -> {
                    if (negate) {
                        throw error(Re2ErrorCode.INVALID_PERL_OP, src.substring(start, pos));
                    }
                    negate = true;
                    sawFlag = false;
                }
                case ':', ')' -> {
                    if (negate && !sawFlag) {
                        throw error(Re2ErrorCode.INVALID_PERL_OP, src.substring(start, pos));
                    }
                    if (c == ':') {
                        pushFrame(fold == foldCase ? "(?:" : fold ? "(?iu:" : "(?-iu:");
                    } else if (fold != foldCase) {
                        // A flag change is not an atom: a following repetition applies to the
                        // atom before it, so it stays outside atomStart..atomEnd.
                        out.append(fold ? "(?iu)" : "(?-iu)");
                    }
                    foldCase = fold;
                    multiLine = multi;
                    dotNl = dot;
                    nonGreedy = lazy;
                    return;
                }
                default -> throw error(Re2ErrorCode.INVALID_PERL_OP, src.substring(start, pos));
            }
        }
        throw error(Re2ErrorCode.INVALID_PERL_OP, src.substring(start, pos));
    }

    private static boolean validCaptureName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && !isAsciiAlnum(c)) {
                return false;
            }
        }
        return true;
    }

    private void closeGroup() throws Re2SyntaxException {
        if (frames.isEmpty()) {
            throw error(Re2ErrorCode.UNEXPECTED_PAREN, src);
        }
        pos++;
        Frame f = frames.pop();
        out.append(')');
        foldCase = f.foldCase();
        multiLine = f.multiLine();
        dotNl = f.dotNl();
        nonGreedy = f.nonGreedy();
        int inner = seqWeight;
        seqWeight = f.outerWeight();
        setAtom(Atom.SIMPLE, f.outStart(), inner);
    }

    // Repetition: Go parse.go, cases '*', '+', '?', '{' and (*parser).repeat.

    private int parseBrace() throws Re2SyntaxException {
        int start = pos;
        int i = pos + 1;
        int[] min = parseInt(i);
        if (min == null || min[1] >= src.length()) {
            return braceLiteral();
        }
        i = min[1];
        int max;
        if (src.charAt(i) != ',') {
            max = min[0];
        } else {
            i++;
            if (i >= src.length()) {
                return braceLiteral();
            }
            if (src.charAt(i) == '}') {
                max = -1;
            } else {
                int[] m = parseInt(i);
                if (m == null) {
                    return braceLiteral();
                }
                max = m[0];
                i = m[1];
                if (max < 0) {
                    min[0] = -1; // a count too big to parse is an invalid repeat count, as in Go
                }
            }
        }
        if (i >= src.length() || src.charAt(i) != '}') {
            return braceLiteral();
        }
        pos = i + 1;
        if (min[0] < 0 || min[0] > MAX_REPEAT || max > MAX_REPEAT || max >= 0 && min[0] > max) {
            throw error(Re2ErrorCode.INVALID_REPEAT_SIZE, src.substring(start, pos));
        }
        String op = max == min[0] ? "{" + max + "}" : max < 0 ? "{" + min[0] + ",}" : "{" + min[0] + "," + max + "}";
        repeat(op, min[0], max, start, true);
        return start;
    }

    private int braceLiteral() {
        pos++;
        literal('{');
        return -1;
    }

    /** Go's parseInt: digits without a leading zero; returns {value or -1 if huge, end} or null. */
    private int[] parseInt(int i) {
        if (i >= src.length() || !isDigit(src.charAt(i))) {
            return null;
        }
        if (i + 1 < src.length() && src.charAt(i) == '0' && isDigit(src.charAt(i + 1))) {
            return null;
        }
        int n = 0;
        int j = i;
        while (j < src.length() && isDigit(src.charAt(j))) {
            n = n >= 100_000_000 || n < 0 ? -1 : n * 10 + src.charAt(j) - '0';
            j++;
        }
        return new int[] {n, j};
    }

    private void repeat(String op, int min, int max, int before, boolean counted)
            throws Re2SyntaxException {
        boolean lazy = false;
        if (pos < src.length() && src.charAt(pos) == '?') {
            pos++;
            lazy = true;
        }
        if (lastRepeat >= 0) {
            throw error(Re2ErrorCode.INVALID_REPEAT_OP, src.substring(lastRepeat, pos));
        }
        if (atom == Atom.NONE) {
            throw error(Re2ErrorCode.MISSING_REPEAT_ARGUMENT, src.substring(before, pos));
        }
        int weight = atomWeight;
        if (counted) {
            int m = max < 0 ? min : max;
            weight = m == 0 ? 1 : (int) Math.min((long) m * atomWeight, MAX_REPEAT + 1L);
            if ((min >= 2 || max >= 2) && weight > MAX_REPEAT) {
                throw error(Re2ErrorCode.INVALID_REPEAT_SIZE, src.substring(before, pos));
            }
        }
        String tail = out.substring(atomEnd);
        out.setLength(atomEnd);
        if (atom == Atom.ASSERTION || atom == Atom.REPEATED) {
            out.insert(atomStart, "(?:");
            out.append(')');
        }
        out.append(op);
        if (lazy != nonGreedy) {
            out.append('?');
        }
        setAtom(Atom.REPEATED, atomStart, weight);
        out.append(tail);
    }

    // Escapes: Go parse.go, case '\\', parsePerlClassEscape, parseUnicodeClass, parseEscape.

    private void parseBackslash() throws Re2SyntaxException {
        if (pos + 1 < src.length()) {
            char c = src.charAt(pos + 1);
            switch (c) {
                case 'A', 'z', 'b', 'B' -> {
                    pos += 2;
                    assertion("\\" + c);
                    return;
                }
                case 'C' -> throw error(Re2ErrorCode.INVALID_ESCAPE, "\\C");
                case 'Q' -> {
                    int end = src.indexOf("\\E", pos + 2);
                    String lit = end < 0 ? src.substring(pos + 2) : src.substring(pos + 2, end);
                    pos = end < 0 ? src.length() : end + 2;
                    lit.codePoints().forEach(this::literal);
                    return;
                }
                case 'p', 'P' -> {
                    String cls = unicodeClass(false);
                    simple(cls);
                    return;
                }
                case 'd', 'D', 's', 'S', 'w', 'W' -> {
                    pos += 2;
                    String set = c == 'd' || c == 'D' ? PERL_DIGIT : c == 's' || c == 'S' ? PERL_SPACE : PERL_WORD;
                    simple(Character.isUpperCase(c) ? "[^" + set + "]" : "[" + set + "]");
                    return;
                }
                default -> { }
            }
        }
        literal(parseEscape());
    }

    /** Go's parseEscape: a single escaped character, with pos at the backslash. */
    private int parseEscape() throws Re2SyntaxException {
        int start = pos;
        pos++;
        if (pos >= src.length()) {
            throw error(Re2ErrorCode.TRAILING_BACKSLASH, "");
        }
        int c = src.codePointAt(pos);
        pos += Character.charCount(c);
        switch (c) {
            case '1', '2', '3', '4', '5', '6', '7' -> {
                // A single non-zero digit is a backreference, which RE2 does not support.
                if (pos < src.length() && isOctal(src.charAt(pos))) {
                    return octal(c);
                }
            }
            case '0' -> {
                return octal(c);
            }
            case 'x' -> {
                int r = hexEscape();
                if (r >= 0) {
                    return r;
                }
            }
            case 'a' -> {
                return 7;
            }
            case 'f' -> {
                return '\f';
            }
            case 'n' -> {
                return '\n';
            }
            case 'r' -> {
                return '\r';
            }
            case 't' -> {
                return '\t';
            }
            case 'v' -> {
                return 0x0B;
            }
            default -> {
                if (c < 0x80 && !isAsciiAlnum(c)) {
                    return c;
                }
            }
        }
        throw error(Re2ErrorCode.INVALID_ESCAPE, src.substring(start, pos));
    }

    private int octal(int first) {
        int r = first - '0';
        for (int i = 1; i < 3 && pos < src.length() && isOctal(src.charAt(pos)); i++) {
            r = r * 8 + src.charAt(pos++) - '0';
        }
        return r;
    }

    /** The rest of {@code \x}: two hex digits or {@code {hex+}}; -1 if malformed. */
    private int hexEscape() {
        if (pos >= src.length()) {
            return -1;
        }
        int c = src.codePointAt(pos);
        pos += Character.charCount(c);
        if (c == '{') {
            int r = 0;
            int digits = 0;
            while (true) {
                if (pos >= src.length()) {
                    return -1;
                }
                c = src.codePointAt(pos);
                pos += Character.charCount(c);
                if (c == '}') {
                    return digits == 0 ? -1 : r;
                }
                int v = Character.digit(c, 16);
                if (v < 0 || c > 0x7F) {
                    return -1;
                }
                r = r * 16 + v;
                if (r > Character.MAX_CODE_POINT) {
                    return -1;
                }
                digits++;
            }
        }
        int x = c < 0x80 ? Character.digit(c, 16) : -1;
        if (pos >= src.length()) {
            return -1;
        }
        int d = src.codePointAt(pos);
        pos += Character.charCount(d);
        int y = d < 0x80 ? Character.digit(d, 16) : -1;
        return x < 0 || y < 0 ? -1 : x * 16 + y;
    }

    /**
     * Go's parseUnicodeClass with pos at the backslash of {@code \p} or {@code \P}. Returns a
     * complete Java class ({@code [...]}, or a nested one when {@code inClass}).
     */
    private String unicodeClass(boolean inClass) throws Re2SyntaxException {
        int start = pos;
        boolean negated = src.charAt(pos + 1) == 'P';
        pos += 2;
        String name;
        if (pos < src.length() && src.charAt(pos) == '{') {
            int end = src.indexOf('}', pos);
            if (end < 0) {
                throw error(Re2ErrorCode.INVALID_CHAR_RANGE, src.substring(start));
            }
            name = src.substring(pos + 1, end);
            pos = end + 1;
        } else if (pos < src.length()) {
            int cp = src.codePointAt(pos);
            pos += Character.charCount(cp);
            name = Character.toString(cp);
        } else {
            name = "";
        }
        String seq = src.substring(start, pos);
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        String set = unicodeSet(canonicalName(name));
        if (set == null) {
            throw error(Re2ErrorCode.INVALID_CHAR_RANGE, seq);
        }
        return (negated ? "[^" : "[") + set + "]";
    }

    /**
     * Go's {@code canonicalName}: first letter upper case, the rest lower case, without
     * {@code _}, {@code -} and spaces, so {@code \p{greek}} and {@code \p{Uppercase_Letter}} work.
     */
    static String canonicalName(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '-' || c == ' ') {
                continue;
            }
            b.append(b.isEmpty() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return b.toString();
    }

    /**
     * Go's {@code unicodeTable} as Java class contents: Any, Assigned, ASCII, the general
     * categories (also by their long Unicode names), and the scripts; null if unknown.
     */
    private static String unicodeSet(String canonical) {
        switch (canonical) {
            case "Any" -> {
                return ANY_CHAR;
            }
            case "Assigned" -> {
                return "\\P{Cn}";
            }
            case "Ascii" -> {
                return "\\x{0}-\\x{7F}";
            }
            default -> { }
        }
        String category = CATEGORIES.contains(canonical) ? canonical : CATEGORY_ALIASES.get(canonical);
        if (category != null) {
            return "\\p{" + (category.equals("Lc") ? "LC" : category) + "}";
        }
        for (Character.UnicodeScript script : Character.UnicodeScript.values()) {
            if (script != Character.UnicodeScript.UNKNOWN && canonicalName(script.name()).equals(canonical)) {
                return "\\p{script=" + script.name() + "}";
            }
        }
        return null;
    }

    // Character classes: Go parse.go, parseClass, parseNamedClass, parseClassChar.

    private void parseClass() throws Re2SyntaxException {
        int start = pos;
        pos++;
        StringBuilder cls = new StringBuilder("[");
        if (pos < src.length() && src.charAt(pos) == '^') {
            cls.append('^');
            pos++;
        }
        boolean first = true;
        while (pos >= src.length() || src.charAt(pos) != ']' || first) {
            first = false;
            if (src.startsWith("[:", pos) && src.length() - pos > 2) {
                String named = namedClass();
                if (named != null) {
                    cls.append(named);
                    continue;
                }
            }
            if (src.startsWith("\\p", pos) || src.startsWith("\\P", pos)) {
                cls.append(unicodeClass(true));
                continue;
            }
            if (pos + 1 < src.length() && src.charAt(pos) == '\\' && "dDsSwW".indexOf(src.charAt(pos + 1)) >= 0) {
                char c = src.charAt(pos + 1);
                pos += 2;
                String set = c == 'd' || c == 'D' ? PERL_DIGIT : c == 's' || c == 'S' ? PERL_SPACE : PERL_WORD;
                cls.append(Character.isUpperCase(c) ? "[^" + set + "]" : set);
                continue;
            }
            int rangeStart = pos;
            int lo = classChar(start);
            int hi = lo;
            if (src.length() - pos >= 2 && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = classChar(start);
                if (hi < lo) {
                    throw error(Re2ErrorCode.INVALID_CHAR_RANGE, src.substring(rangeStart, pos));
                }
            }
            appendClassChar(cls, lo);
            if (hi != lo) {
                cls.append('-');
                appendClassChar(cls, hi);
            }
        }
        pos++;
        simple(cls.append(']').toString());
    }

    /** A POSIX class such as {@code [:alpha:]} at pos; null if the text is not one at all. */
    private String namedClass() throws Re2SyntaxException {
        int end = src.indexOf(":]", pos + 2);
        if (end < 0) {
            return null;
        }
        String whole = src.substring(pos, end + 2);
        String name = src.substring(pos + 2, end);
        boolean negated = name.startsWith("^");
        String set = POSIX.get(negated ? name.substring(1) : name);
        if (set == null) {
            throw error(Re2ErrorCode.INVALID_CHAR_RANGE, whole);
        }
        pos = end + 2;
        return negated ? "[^" + set + "]" : set;
    }

    private int classChar(int classStart) throws Re2SyntaxException {
        if (pos >= src.length()) {
            throw error(Re2ErrorCode.MISSING_BRACKET, src.substring(classStart));
        }
        if (src.charAt(pos) == '\\') {
            return parseEscape();
        }
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    private static void appendClassChar(StringBuilder cls, int cp) {
        if (cp < 0x80 && isAsciiAlnum(cp)) {
            cls.append((char) cp);
        } else {
            cls.append("\\x{").append(Integer.toHexString(cp)).append('}');
        }
    }

    // Emitting atoms.

    private void literal(int cp) {
        if (cp < 0x80 && isAsciiAlnum(cp)) {
            simple(String.valueOf((char) cp));
        } else if (cp > 0x20 && cp < 0x7F) {
            simple("\\" + (char) cp);
        } else {
            simple("\\x{" + Integer.toHexString(cp) + "}");
        }
    }

    private void simple(String text) {
        int start = out.length();
        out.append(text);
        setAtom(Atom.SIMPLE, start, 1);
    }

    private void assertion(String text) {
        int start = out.length();
        out.append(text);
        setAtom(Atom.ASSERTION, start, 1);
    }

    private void setAtom(Atom kind, int start, int weight) {
        atom = kind;
        atomStart = start;
        atomEnd = out.length();
        atomWeight = weight;
        seqWeight = Math.max(seqWeight, weight);
    }

    private Re2SyntaxException error(Re2ErrorCode code, String expr) {
        return new Re2SyntaxException(code, expr);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static boolean isAsciiAlnum(int c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }
}

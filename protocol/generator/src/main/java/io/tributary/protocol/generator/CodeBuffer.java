package io.tributary.protocol.generator;

/** Accumulates generated Java source with four-space indentation. Not thread-safe. */
final class CodeBuffer {
    private final StringBuilder text = new StringBuilder();
    private int indent;

    /** Appends one line at the current indentation; {@code %s}-style arguments as in {@link String#format}. */
    CodeBuffer line(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(format, args);
        if (!s.isEmpty()) {
            text.repeat("    ", indent);
            text.append(s);
        }
        text.append('\n');
        return this;
    }

    CodeBuffer blank() {
        text.append('\n');
        return this;
    }

    /** Appends a line ending with an opening brace and indents. */
    CodeBuffer open(String format, Object... args) {
        line(format + " {", args);
        indent++;
        return this;
    }

    /** Outdents and appends a closing brace. */
    CodeBuffer close() {
        return close("}");
    }

    /** Outdents and appends the given line (for {@code "} else {"} and the like, which also re-indent). */
    CodeBuffer close(String closing) {
        indent--;
        line(closing);
        return this;
    }

    /** Outdents, appends {@code "} else {"} (or any line ending with an opening brace) and indents again. */
    CodeBuffer reopen(String format, Object... args) {
        indent--;
        line("} " + format + " {", args);
        indent++;
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}

package io.tributary.protocol.generator;

import io.tributary.protocol.generator.FieldType.ArrayType;
import io.tributary.protocol.generator.FieldType.Primitive;
import io.tributary.protocol.generator.FieldType.StructType;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Writes the Java source of one message class: the top-level struct of a spec with every struct of the spec as a
 * nested static class. The generated code reads and writes {@code ByteBuf}s directly, in straight-line code guarded
 * by version conditions (no reflection, no schema interpretation at run time).
 *
 * <p>Conditions are simplified against the range of versions the code can run in: a field present in every valid
 * version is read without an {@code if}.
 */
public final class MessageClassGenerator {
    static final String PACKAGE = "io.tributary.protocol.message";

    /** Simple names the generated code uses unqualified: a struct with one of these names would shadow it. */
    private static final Set<String> RESERVED_NAMES = Set.of(
            "ByteBuf",
            "ByteBufRecords",
            "Message",
            "MessageWriter",
            "RawTaggedField",
            "Records",
            "UnsupportedVersionException",
            "WireFormat",
            "ArrayList",
            "Arrays",
            "List",
            "Objects",
            "UUID",
            "String",
            "Object",
            "Boolean",
            "Byte",
            "Short",
            "Integer",
            "Long",
            "Double",
            "Override",
            "IndexOutOfBoundsException");

    /** Method names of the generated classes that a field accessor must not take. */
    private static final Set<String> RESERVED_ACCESSORS = Set.of(
            "lowestSupportedVersion",
            "highestSupportedVersion",
            "unknownTaggedFields",
            "hashCode",
            "toString",
            "getClass",
            "readFields",
            "writeFields",
            "fieldsSize",
            "isDefault",
            "notify",
            "notifyAll",
            "wait",
            "clone",
            "finalize");

    private static final String TRUE = "true";
    private static final String FALSE = "false";

    private final MessageSpec spec;
    private final Versions valid;
    private final CodeBuffer out = new CodeBuffer();

    private MessageClassGenerator(MessageSpec spec) {
        this.spec = spec;
        this.valid = spec.validVersions();
    }

    /** The Java source of the spec's class. The spec must have valid versions. */
    public static String generate(MessageSpec spec, String kafkaVersion) {
        if (spec.validVersions().isEmpty()) {
            throw new IllegalArgumentException(spec.name() + " has no valid versions");
        }
        MessageClassGenerator g = new MessageClassGenerator(spec);
        g.generateFile(kafkaVersion);
        return g.out.toString();
    }

    private void generateFile(String kafkaVersion) {
        out.line("package %s;", PACKAGE);
        out.blank();
        out.line("import io.netty.buffer.ByteBuf;");
        out.line("import io.tributary.protocol.codec.ByteBufRecords;");
        out.line("import io.tributary.protocol.codec.Message;");
        out.line("import io.tributary.protocol.codec.MessageWriter;");
        out.line("import io.tributary.protocol.codec.RawTaggedField;");
        out.line("import io.tributary.protocol.codec.Records;");
        out.line("import io.tributary.protocol.codec.WireFormat;");
        out.line("import java.util.ArrayList;");
        out.line("import java.util.Arrays;");
        out.line("import java.util.List;");
        out.line("import java.util.Objects;");
        out.line("import java.util.UUID;");
        out.blank();
        out.line("/**");
        out.line(
                " * Kafka's {@code %s} message (%s), versions %s; generated from {@code %s.json} of Kafka %s.",
                spec.name(), spec.type(), valid, spec.name(), kafkaVersion);
        out.line(" *");
        out.line(" * <p>Mutable and not thread-safe. Do not edit: the build regenerates this file.");
        out.line(" */");
        generateStruct(spec.topLevel(), true);
    }

    private void generateStruct(StructSpec struct, boolean topLevel) {
        String cls = struct.name();
        if (!topLevel && (RESERVED_NAMES.contains(cls) || cls.equals(spec.className()))) {
            throw new IllegalArgumentException("Struct name " + cls + " of " + spec.name() + " is reserved");
        }
        boolean hasApiKeyAccessor = false;
        for (FieldSpec f : struct.fields()) {
            if (RESERVED_ACCESSORS.contains(f.camelName())) {
                throw new IllegalArgumentException("Field " + f.name() + " of " + cls + " clashes with a method");
            }
            if (f.camelName().equals("apiKey")) {
                if (f.type() != Primitive.INT16 || topLevel) {
                    throw new IllegalArgumentException("Field ApiKey of " + cls + " clashes with Message.apiKey()");
                }
                hasApiKeyAccessor = true;
            }
        }
        out.open("public %sfinal class %s implements Message", topLevel ? "" : "static ", cls);
        out.line("public static final short LOWEST_SUPPORTED_VERSION = %d;", valid.lowest());
        out.line("public static final short HIGHEST_SUPPORTED_VERSION = %d;", valid.highest());
        out.blank();
        for (FieldSpec f : struct.fields()) {
            out.line("private %s %s;", javaType(f.type()), f.camelName());
        }
        out.line("private List<RawTaggedField> unknownTaggedFields;");
        out.blank();

        out.line("/** A message with every field at its default value. */");
        out.open("public %s()", cls);
        for (FieldSpec f : struct.fields()) {
            out.line("this.%s = %s;", f.camelName(), defaultValue(f));
        }
        out.close();
        out.blank();
        out.line("/** Reads a message, as {@link #read(ByteBuf, short)} does. */");
        out.open("public %s(ByteBuf buf, short version)", cls);
        out.line("read(buf, version);");
        out.close();
        out.blank();

        if (!hasApiKeyAccessor) {
            out.line("@Override");
            out.open("public short apiKey()");
            out.line(
                    "return %d;",
                    topLevel && spec.isApiMessage() ? spec.apiKey().orElseThrow() : -1);
            out.close();
            out.blank();
        }
        out.line("@Override");
        out.open("public short lowestSupportedVersion()");
        out.line("return LOWEST_SUPPORTED_VERSION;");
        out.close();
        out.blank();
        out.line("@Override");
        out.open("public short highestSupportedVersion()");
        out.line("return HIGHEST_SUPPORTED_VERSION;");
        out.close();
        out.blank();

        generateRead(struct, topLevel);
        generateWrite(struct, topLevel);
        generateSize(struct);
        if (!topLevel) {
            generateIsDefault(struct);
        }
        generateAccessors(struct);
        generateEquals(struct);
        generateHashCode(struct);
        generateToString(struct);

        if (topLevel) {
            for (StructSpec nested : spec.structs().values()) {
                out.blank();
                generateStruct(nested, false);
            }
        }
        out.close();
    }

    // ---------------------------------------------------------------- read

    /**
     * {@code read}, and for a nested struct the {@code readFields} its parent calls. A top-level message reads its
     * fields in {@code read} itself: with a {@code readFields} that only {@code read} calls, C2 could compile the
     * whole read twice, once as {@code readFields} and once inlined into {@code read} (seen for ProduceRequest).
     */
    private void generateRead(StructSpec struct, boolean topLevel) {
        out.line("@Override");
        out.open("public void read(ByteBuf buf, short version)");
        out.line(
                "WireFormat.checkVersion(version, LOWEST_SUPPORTED_VERSION, HIGHEST_SUPPORTED_VERSION, \"%s\");",
                struct.name());
        out.open("try");
        if (topLevel) {
            emitReadFields(struct);
        } else {
            out.line("readFields(buf, version);");
        }
        out.reopen("catch (IndexOutOfBoundsException e)");
        out.line("throw WireFormat.truncated(\"%s\", e);", struct.name());
        out.close();
        out.close();
        out.blank();

        if (!topLevel) {
            emitHelper("private void readFields(ByteBuf buf, short version)", () -> emitReadFields(struct));
        }
    }

    /**
     * A nested struct's private per-element method (its parent calls it for each element): {@code signature} around
     * what {@code body} emits.
     */
    private void emitHelper(String signature, Runnable body) {
        out.open(signature);
        body.run();
        out.close();
        out.blank();
    }

    /** The statements that read {@code struct}'s fields from {@code buf}. */
    private void emitReadFields(StructSpec struct) {
        for (FieldSpec f : struct.fields()) {
            Versions untagged = f.untaggedVersions().intersect(valid);
            String c = cond(untagged, valid);
            String target = "this." + f.camelName();
            if (c.equals(TRUE)) {
                emitRead(f, target, "buf", untagged);
            } else if (c.equals(FALSE)) {
                out.line("%s = %s;", target, defaultValue(f));
            } else {
                out.open("if (%s)", c);
                emitRead(f, target, "buf", untagged);
                out.reopen("else");
                out.line("%s = %s;", target, defaultValue(f));
                out.close();
            }
        }
        out.line("this.unknownTaggedFields = null;");
        String flexible = cond(spec.flexibleVersions(), valid);
        if (!flexible.equals(FALSE)) {
            Versions flexCtx = spec.flexibleVersions().intersect(valid);
            if (!flexible.equals(TRUE)) {
                out.open("if (%s)", flexible);
            }
            List<FieldSpec> tagged = taggedFields(struct, flexCtx);
            out.line("int taggedCount = WireFormat.readTaggedFieldCount(buf);");
            out.open("for (int taggedIndex = 0; taggedIndex < taggedCount; taggedIndex++)");
            out.line("int tag = WireFormat.readTag(buf);");
            out.line("int size = WireFormat.readTaggedFieldSize(buf, tag);");
            String unknown =
                    "this.unknownTaggedFields = WireFormat.readUnknownTaggedField(buf, this.unknownTaggedFields, tag, size);";
            if (tagged.isEmpty()) {
                out.line(unknown);
            } else {
                out.open("switch (tag)");
                for (FieldSpec f : tagged) {
                    Versions taggedCtx = f.taggedVersions().intersect(flexCtx);
                    String tc = cond(taggedCtx, flexCtx);
                    out.open("case %d ->", f.tag().orElseThrow());
                    if (!tc.equals(TRUE)) {
                        out.open("if (%s)", tc);
                    }
                    out.line("ByteBuf tagged = buf.readSlice(size);");
                    emitRead(f, "this." + f.camelName(), "tagged", taggedCtx);
                    out.line("WireFormat.checkTaggedFieldConsumed(tagged, \"%s\");", f.camelName());
                    if (!tc.equals(TRUE)) {
                        out.reopen("else");
                        out.line(unknown);
                        out.close();
                    }
                    out.close();
                }
                out.line("default -> %s", unknown);
                out.close();
            }
            out.close();
            if (!flexible.equals(TRUE)) {
                out.close();
            }
        }
    }

    /** Statements that read field {@code f} from {@code buf} into {@code target}, for versions {@code ctx}. */
    private void emitRead(FieldSpec f, String target, String buf, Versions ctx) {
        String name = f.camelName();
        FieldType type = f.type();
        if (type instanceof Primitive p && p.fixedSize() > 0) {
            out.line("%s = %s;", target, readFixed(p, buf));
            return;
        }
        String nullable = cond(f.nullableVersions(), ctx);
        if (type == Primitive.STRING || type == Primitive.BYTES) {
            String kind = type == Primitive.STRING ? "String" : "ByteArray";
            byVersions(
                    compactVersions(f),
                    ctx,
                    (isCompact, c1) -> byVersions(
                            f.nullableVersions(),
                            c1,
                            (isNullable, c2) -> out.line(
                                    "%s = WireFormat.read%s%s%s(%s, \"%s\");",
                                    target,
                                    isCompact ? "Compact" : "",
                                    isNullable ? "Nullable" : "",
                                    kind,
                                    buf,
                                    name)));
        } else if (type == Primitive.RECORDS) {
            byVersions(
                    compactVersions(f),
                    ctx,
                    (isCompact, c1) -> out.line(
                            "%s = WireFormat.read%sRecords(%s, \"%s\");",
                            target, isCompact ? "Compact" : "", buf, name));
            if (!nullable.equals(TRUE)) {
                out.open("if (%s == null%s)", target, nullable.equals(FALSE) ? "" : " && !(" + nullable + ")");
                out.line("throw WireFormat.nullNotAllowed(\"%s\");", name);
                out.close();
            }
        } else if (type instanceof ArrayType a) {
            String count = name + "Count";
            String list = name + "List";
            out.line("int %s;", count);
            byVersions(
                    compactVersions(f),
                    ctx,
                    (isCompact, c1) -> out.line(
                            "%s = WireFormat.read%sArrayLength(%s, %d, \"%s\");",
                            count, isCompact ? "Compact" : "", buf, minElementSize(a.element(), isCompact), name));
            out.open("if (%s < 0)", count);
            if (nullable.equals(TRUE)) {
                out.line("%s = null;", target);
            } else if (nullable.equals(FALSE)) {
                out.line("throw WireFormat.nullNotAllowed(\"%s\");", name);
            } else {
                out.open("if (!(%s))", nullable);
                out.line("throw WireFormat.nullNotAllowed(\"%s\");", name);
                out.close();
                out.line("%s = null;", target);
            }
            out.reopen("else");
            String elementType = boxedType(a.element());
            out.line("ArrayList<%s> %s = new ArrayList<>(WireFormat.initialCapacity(%s));", elementType, list, count);
            out.open("for (int i = 0; i < %s; i++)", count);
            if (a.element() instanceof StructType s) {
                out.line("%s element = new %s();", s.name(), s.name());
                out.line("element.readFields(%s, version);", buf);
                out.line("%s.add(element);", list);
            } else {
                Primitive p = (Primitive) a.element();
                if (p.fixedSize() > 0) {
                    out.line("%s.add(%s);", list, readFixed(p, buf));
                } else {
                    String kind = p == Primitive.STRING ? "String" : "ByteArray";
                    byVersions(
                            spec.flexibleVersions(),
                            ctx,
                            (isCompact, c1) -> out.line(
                                    "%s.add(WireFormat.read%s%s(%s, \"%s\"));",
                                    list, isCompact ? "Compact" : "", kind, buf, name));
                }
            }
            out.close();
            out.line("%s = %s;", target, list);
            out.close();
        } else if (type instanceof StructType s) {
            Runnable readStruct = () -> {
                out.line("%s = new %s();", target, s.name());
                out.line("%s.readFields(%s, version);", target, buf);
            };
            if (nullable.equals(FALSE)) {
                readStruct.run();
            } else {
                out.open("if (%s.readByte() < 0)", buf);
                if (!nullable.equals(TRUE)) {
                    out.open("if (!(%s))", nullable);
                    out.line("throw WireFormat.nullNotAllowed(\"%s\");", name);
                    out.close();
                }
                out.line("%s = null;", target);
                out.reopen("else");
                readStruct.run();
                out.close();
            }
        } else {
            throw new IllegalStateException("Unhandled type " + type);
        }
    }

    private static String readFixed(Primitive p, String buf) {
        return switch (p) {
            case BOOL -> buf + ".readByte() != 0";
            case INT8 -> buf + ".readByte()";
            case INT16 -> buf + ".readShort()";
            case UINT16 -> buf + ".readUnsignedShort()";
            case INT32 -> buf + ".readInt()";
            case UINT32 -> buf + ".readUnsignedInt()";
            case INT64 -> buf + ".readLong()";
            case FLOAT64 -> buf + ".readDouble()";
            case UUID -> "WireFormat.readUuid(" + buf + ")";
            default -> throw new IllegalArgumentException("Not a fixed-size type: " + p);
        };
    }

    private static int minElementSize(FieldType element, boolean compact) {
        if (element instanceof Primitive p) {
            if (p.fixedSize() > 0) {
                return p.fixedSize();
            }
            return compact ? 1 : p == Primitive.STRING ? 2 : 4;
        }
        return 1;
    }

    // ---------------------------------------------------------------- write

    /** {@code write}, and for a nested struct {@code writeFields}; a top-level message as {@link #generateRead}. */
    private void generateWrite(StructSpec struct, boolean topLevel) {
        out.line("@Override");
        out.open("public void write(MessageWriter out, short version)");
        out.line(
                "WireFormat.checkVersion(version, LOWEST_SUPPORTED_VERSION, HIGHEST_SUPPORTED_VERSION, \"%s\");",
                struct.name());
        if (topLevel) {
            emitWriteFields(struct);
        } else {
            out.line("writeFields(out, version);");
        }
        out.close();
        out.blank();

        if (!topLevel) {
            emitHelper("private void writeFields(MessageWriter out, short version)", () -> emitWriteFields(struct));
        }
    }

    /** The statements that write {@code struct}'s fields to {@code out}. */
    private void emitWriteFields(StructSpec struct) {
        for (FieldSpec f : struct.fields()) {
            Versions present = f.versions().intersect(valid);
            Versions untagged = f.untaggedVersions().intersect(valid);
            String pc = cond(present, valid);
            Runnable writePresent = () -> {
                String uc = cond(untagged, present);
                if (uc.equals(TRUE)) {
                    emitWrite(f, "this." + f.camelName(), untagged);
                } else if (!uc.equals(FALSE)) {
                    out.open("if (%s)", uc);
                    emitWrite(f, "this." + f.camelName(), untagged);
                    out.close();
                }
            };
            Runnable checkAbsent = () -> {
                if (!f.ignorable()) {
                    out.open("if (%s)", nonDefault(f, "this." + f.camelName()));
                    out.line("throw WireFormat.nonDefaultNotSupported(\"%s\", version);", f.camelName());
                    out.close();
                }
            };
            if (pc.equals(TRUE)) {
                writePresent.run();
            } else if (pc.equals(FALSE)) {
                checkAbsent.run();
            } else if (cond(untagged, present).equals(FALSE)) {
                // Present only as a tagged field (written below): here only the versions that lack it matter.
                if (!f.ignorable()) {
                    out.open("if (%s)", negate(pc));
                    checkAbsent.run();
                    out.close();
                }
            } else {
                out.open("if (%s)", pc);
                writePresent.run();
                if (!f.ignorable()) {
                    out.reopen("else");
                    checkAbsent.run();
                }
                out.close();
            }
        }
        String flexible = cond(spec.flexibleVersions(), valid);
        if (!flexible.equals(FALSE)) {
            Versions flexCtx = spec.flexibleVersions().intersect(valid);
            if (!flexible.equals(TRUE)) {
                out.open("if (%s)", flexible);
            }
            List<FieldSpec> tagged = taggedFields(struct, flexCtx);
            if (tagged.isEmpty()) {
                out.line("List<RawTaggedField> unknown = this.unknownTaggedFields;");
                out.line("out.writeUnsignedVarint(unknown == null ? 0 : unknown.size());");
                out.line("WireFormat.writeUnknownTaggedFields(out, unknown, 0, Integer.MAX_VALUE);");
            } else {
                out.line("int taggedCount = this.unknownTaggedFields == null ? 0 : this.unknownTaggedFields.size();");
                for (FieldSpec f : tagged) {
                    out.open("if (%s)", taggedCondition(f, flexCtx));
                    out.line("taggedCount++;");
                    out.close();
                }
                out.line("out.writeUnsignedVarint(taggedCount);");
                out.line("int unknownIndex = 0;");
                for (FieldSpec f : tagged) {
                    Versions taggedCtx = f.taggedVersions().intersect(flexCtx);
                    int tag = f.tag().orElseThrow();
                    out.open("if (%s)", taggedCondition(f, flexCtx));
                    out.line(
                            "unknownIndex = WireFormat.writeUnknownTaggedFields(out, this.unknownTaggedFields, unknownIndex, %d);",
                            tag);
                    // Null checks come first: the value's size is needed before the value.
                    emitNullCheck(f, "this." + f.camelName(), taggedCtx);
                    out.line("out.writeUnsignedVarint(%d);", tag);
                    out.line("int valueSize = 0;");
                    emitSize(f, "this." + f.camelName(), taggedCtx, "valueSize");
                    out.line("out.writeUnsignedVarint(valueSize);");
                    emitWriteValue(f, "this." + f.camelName(), taggedCtx);
                    out.close();
                }
                out.line(
                        "WireFormat.writeUnknownTaggedFields(out, this.unknownTaggedFields, unknownIndex, Integer.MAX_VALUE);");
            }
            if (!flexible.equals(TRUE)) {
                out.close();
            }
        }
    }

    /** The condition under which a tagged field is written: its tagged versions and a non-default value. */
    private String taggedCondition(FieldSpec f, Versions flexCtx) {
        String tc = cond(f.taggedVersions().intersect(flexCtx), flexCtx);
        String nonDefault = nonDefault(f, "this." + f.camelName());
        return tc.equals(TRUE) ? nonDefault : "(" + tc + ") && (" + nonDefault + ")";
    }

    /** Statements that write field {@code f}'s value {@code expr}, for versions {@code ctx}. */
    private void emitWrite(FieldSpec f, String expr, Versions ctx) {
        emitNullCheck(f, expr, ctx);
        emitWriteValue(f, expr, ctx);
    }

    /** Refuses null in the versions of {@code ctx} where the field is not nullable. */
    private void emitNullCheck(FieldSpec f, String expr, Versions ctx) {
        if (f.type() instanceof Primitive p && p.fixedSize() > 0) {
            return;
        }
        String nullable = cond(f.nullableVersions(), ctx);
        if (!nullable.equals(TRUE)) {
            out.open("if (%s == null%s)", expr, nullable.equals(FALSE) ? "" : " && !(" + nullable + ")");
            out.line("throw WireFormat.nullNotSupported(\"%s\", version);", f.camelName());
            out.close();
        }
    }

    /** Statements that write a value, null checks done. */
    private void emitWriteValue(FieldSpec f, String expr, Versions ctx) {
        FieldType type = f.type();
        if (type instanceof Primitive p && p.fixedSize() > 0) {
            out.line("%s;", writeFixed(p, expr));
            return;
        }
        boolean mayBeNull = !cond(f.nullableVersions(), ctx).equals(FALSE);
        if (type == Primitive.STRING || type == Primitive.BYTES) {
            String kind = type == Primitive.STRING ? "String" : "ByteArray";
            byVersions(compactVersions(f), ctx, (isCompact, c) -> {
                out.line("out.write%s%s(%s);", isCompact ? "Compact" : "", kind, expr);
            });
        } else if (type == Primitive.RECORDS || type instanceof ArrayType) {
            String length = type == Primitive.RECORDS ? expr + ".sizeInBytes()" : expr + ".size()";
            if (mayBeNull) {
                out.open("if (%s == null)", expr);
                byVersions(compactVersions(f), ctx, (isCompact, c) -> {
                    out.line(isCompact ? "out.writeUnsignedVarint(0);" : "out.writeInt(-1);");
                });
                out.reopen("else");
            }
            byVersions(compactVersions(f), ctx, (isCompact, c) -> {
                out.line(isCompact ? "out.writeUnsignedVarint(%s + 1);" : "out.writeInt(%s);", length);
            });
            if (type instanceof ArrayType a) {
                emitWriteElements(a.element(), expr, ctx);
            } else {
                out.line("out.writeRecords(%s);", expr);
            }
            if (mayBeNull) {
                out.close();
            }
        } else if (type instanceof StructType) {
            if (mayBeNull) {
                out.open("if (%s == null)", expr);
                out.line("out.writeByte(-1);");
                out.reopen("else");
                out.line("out.writeByte(1);");
                out.line("%s.writeFields(out, version);", expr);
                out.close();
            } else {
                out.line("%s.writeFields(out, version);", expr);
            }
        } else {
            throw new IllegalStateException("Unhandled type " + type);
        }
    }

    private void emitWriteElements(FieldType element, String expr, Versions ctx) {
        out.open("for (%s element : %s)", boxedType(element), expr);
        if (element instanceof StructType) {
            out.line("element.writeFields(out, version);");
        } else {
            Primitive p = (Primitive) element;
            if (p.fixedSize() > 0) {
                out.line("%s;", writeFixed(p, "element"));
            } else {
                String kind = p == Primitive.STRING ? "String" : "ByteArray";
                byVersions(spec.flexibleVersions(), ctx, (isCompact, c) -> {
                    out.line("out.write%s%s(element);", isCompact ? "Compact" : "", kind);
                });
            }
        }
        out.close();
    }

    private static String writeFixed(Primitive p, String expr) {
        return switch (p) {
            case BOOL -> "out.writeBoolean(" + expr + ")";
            case INT8 -> "out.writeByte(" + expr + ")";
            case INT16, UINT16 -> "out.writeShort(" + expr + ")";
            case INT32 -> "out.writeInt(" + expr + ")";
            case UINT32 -> "out.writeInt((int) (long) " + expr + ")";
            case INT64 -> "out.writeLong(" + expr + ")";
            case FLOAT64 -> "out.writeDouble(" + expr + ")";
            case UUID -> "out.writeUuid(" + expr + ")";
            default -> throw new IllegalArgumentException("Not a fixed-size type: " + p);
        };
    }

    // ---------------------------------------------------------------- size

    private void generateSize(StructSpec struct) {
        out.line("@Override");
        out.open("public int size(short version)");
        out.line(
                "WireFormat.checkVersion(version, LOWEST_SUPPORTED_VERSION, HIGHEST_SUPPORTED_VERSION, \"%s\");",
                struct.name());
        out.line("return fieldsSize(version);");
        out.close();
        out.blank();

        out.open("private int fieldsSize(short version)");
        // Fixed-size fields present in every version add up to one constant.
        int fixed = 0;
        for (FieldSpec f : struct.fields()) {
            if (f.type() instanceof Primitive p
                    && p.fixedSize() > 0
                    && cond(f.untaggedVersions().intersect(valid), valid).equals(TRUE)) {
                fixed += p.fixedSize();
            }
        }
        out.line("int size = %d;", fixed);
        for (FieldSpec f : struct.fields()) {
            Versions untagged = f.untaggedVersions().intersect(valid);
            String uc = cond(untagged, valid);
            if (uc.equals(TRUE)) {
                if (f.type() instanceof Primitive p && p.fixedSize() > 0) {
                    continue;
                }
                emitSize(f, "this." + f.camelName(), untagged, "size");
            } else if (!uc.equals(FALSE)) {
                out.open("if (%s)", uc);
                emitSize(f, "this." + f.camelName(), untagged, "size");
                out.close();
            }
        }
        String flexible = cond(spec.flexibleVersions(), valid);
        if (!flexible.equals(FALSE)) {
            Versions flexCtx = spec.flexibleVersions().intersect(valid);
            if (!flexible.equals(TRUE)) {
                out.open("if (%s)", flexible);
            }
            out.line("int taggedCount = this.unknownTaggedFields == null ? 0 : this.unknownTaggedFields.size();");
            for (FieldSpec f : taggedFields(struct, flexCtx)) {
                Versions taggedCtx = f.taggedVersions().intersect(flexCtx);
                out.open("if (%s)", taggedCondition(f, flexCtx));
                out.line("taggedCount++;");
                out.line("int valueSize = 0;");
                emitSize(f, "this." + f.camelName(), taggedCtx, "valueSize");
                out.line(
                        "size += WireFormat.sizeOfUnsignedVarint(%d) + WireFormat.sizeOfUnsignedVarint(valueSize) + valueSize;",
                        f.tag().orElseThrow());
                out.close();
            }
            out.line(
                    "size += WireFormat.sizeOfUnsignedVarint(taggedCount) + WireFormat.unknownTaggedFieldsSize(this.unknownTaggedFields);");
            if (!flexible.equals(TRUE)) {
                out.close();
            }
        }
        out.line("return size;");
        out.close();
        out.blank();
    }

    /** Statements that add the encoded size of {@code expr} to {@code acc}, for versions {@code ctx}. */
    private void emitSize(FieldSpec f, String expr, Versions ctx, String acc) {
        FieldType type = f.type();
        if (type instanceof Primitive p && p.fixedSize() > 0) {
            out.line("%s += %d;", acc, p.fixedSize());
            return;
        }
        if (type == Primitive.STRING || type == Primitive.BYTES || type == Primitive.RECORDS) {
            String kind = type == Primitive.STRING ? "String" : type == Primitive.BYTES ? "ByteArray" : "Records";
            byVersions(
                    compactVersions(f),
                    ctx,
                    (isCompact, c) -> out.line("%s += WireFormat.%s(%s);", acc, sizeMethod(kind, isCompact), expr));
        } else if (type instanceof ArrayType a) {
            boolean mayBeNull = !cond(f.nullableVersions(), ctx).equals(FALSE);
            if (mayBeNull) {
                out.open("if (%s == null)", expr);
                byVersions(compactVersions(f), ctx, (isCompact, c) -> out.line("%s += %d;", acc, isCompact ? 1 : 4));
                out.reopen("else");
            }
            byVersions(compactVersions(f), ctx, (isCompact, c) -> {
                if (isCompact) {
                    out.line("%s += WireFormat.compactArrayHeaderSize(%s.size());", acc, expr);
                } else {
                    out.line("%s += 4;", acc);
                }
            });
            if (a.element() instanceof StructType s) {
                out.open("for (%s element : %s)", s.name(), expr);
                out.line("%s += element.fieldsSize(version);", acc);
                out.close();
            } else {
                Primitive p = (Primitive) a.element();
                if (p.fixedSize() > 0) {
                    out.line("%s += %s.size() * %d;", acc, expr, p.fixedSize());
                } else {
                    String kind = p == Primitive.STRING ? "String" : "ByteArray";
                    out.open("for (%s element : %s)", boxedType(p), expr);
                    byVersions(
                            spec.flexibleVersions(),
                            ctx,
                            (isCompact, c) ->
                                    out.line("%s += WireFormat.%s(element);", acc, sizeMethod(kind, isCompact)));
                    out.close();
                }
            }
            if (mayBeNull) {
                out.close();
            }
        } else if (type instanceof StructType) {
            String nullable = cond(f.nullableVersions(), ctx);
            if (nullable.equals(FALSE)) {
                out.line("%s += %s.fieldsSize(version);", acc, expr);
            } else {
                out.line("%s += %s == null ? 1 : 1 + %s.fieldsSize(version);", acc, expr, expr);
            }
        } else {
            throw new IllegalStateException("Unhandled type " + type);
        }
    }

    /** The WireFormat size method of a kind ("String", "ByteArray", "Records"): stringSize, compactStringSize... */
    private static String sizeMethod(String kind, boolean compact) {
        return compact ? "compact" + kind + "Size" : Character.toLowerCase(kind.charAt(0)) + kind.substring(1) + "Size";
    }

    // ---------------------------------------------------------------- value semantics

    private void generateIsDefault(StructSpec struct) {
        out.line("/** True if every field holds its default value and no unknown tagged field is present. */");
        out.open("private boolean isDefault()");
        for (FieldSpec f : struct.fields()) {
            out.open("if (%s)", nonDefault(f, "this." + f.camelName()));
            out.line("return false;");
            out.close();
        }
        out.line("return this.unknownTaggedFields == null || this.unknownTaggedFields.isEmpty();");
        out.close();
        out.blank();
    }

    private void generateAccessors(StructSpec struct) {
        for (FieldSpec f : struct.fields()) {
            String type = javaType(f.type());
            if (!f.about().isBlank()) {
                out.line("/** %s */", javadoc(f.about()));
            }
            if (f.camelName().equals("apiKey")) {
                out.line("@Override");
            }
            out.open("public %s %s()", type, f.camelName());
            out.line("return this.%s;", f.camelName());
            out.close();
            out.blank();
        }
        for (FieldSpec f : struct.fields()) {
            out.open("public %s %s(%s value)", struct.name(), f.setterName(), javaType(f.type()));
            out.line("this.%s = value;", f.camelName());
            out.line("return this;");
            out.close();
            out.blank();
        }
        out.line("@Override");
        out.open("public List<RawTaggedField> unknownTaggedFields()");
        out.open("if (this.unknownTaggedFields == null)");
        out.line("this.unknownTaggedFields = new ArrayList<>(0);");
        out.close();
        out.line("return this.unknownTaggedFields;");
        out.close();
        out.blank();
    }

    private void generateEquals(StructSpec struct) {
        out.line("@Override");
        out.open("public boolean equals(Object o)");
        out.open("if (this == o)");
        out.line("return true;");
        out.close();
        out.open("if (!(o instanceof %s other))", struct.name());
        out.line("return false;");
        out.close();
        for (FieldSpec f : struct.fields()) {
            String a = "this." + f.camelName();
            String b = "other." + f.camelName();
            String differs;
            if (f.type() == Primitive.FLOAT64) {
                differs = "Double.compare(" + a + ", " + b + ") != 0";
            } else if (f.type() instanceof Primitive p && p.fixedSize() > 0 && p != Primitive.UUID) {
                differs = a + " != " + b;
            } else if (f.type() == Primitive.BYTES) {
                differs = "!Arrays.equals(" + a + ", " + b + ")";
            } else {
                differs = "!Objects.equals(" + a + ", " + b + ")";
            }
            out.open("if (%s)", differs);
            out.line("return false;");
            out.close();
        }
        out.line("return WireFormat.unknownTaggedFieldsEqual(this.unknownTaggedFields, other.unknownTaggedFields);");
        out.close();
        out.blank();
    }

    private void generateHashCode(StructSpec struct) {
        out.line("@Override");
        out.open("public int hashCode()");
        out.line("int hash = 0;");
        for (FieldSpec f : struct.fields()) {
            String a = "this." + f.camelName();
            String h = switch (f.type()) {
                case Primitive p when p == Primitive.BOOL -> "Boolean.hashCode(" + a + ")";
                case Primitive p
                when p == Primitive.INT8 || p == Primitive.INT16 || p == Primitive.UINT16 || p == Primitive.INT32 -> a;
                case Primitive p when p == Primitive.UINT32 || p == Primitive.INT64 -> "Long.hashCode(" + a + ")";
                case Primitive p when p == Primitive.FLOAT64 -> "Double.hashCode(" + a + ")";
                case Primitive p when p == Primitive.BYTES -> "Arrays.hashCode(" + a + ")";
                default -> "Objects.hashCode(" + a + ")";
            };
            out.line("hash = 31 * hash + %s;", h);
        }
        out.line("return hash;");
        out.close();
        out.blank();
    }

    private void generateToString(StructSpec struct) {
        out.line("@Override");
        out.open("public String toString()");
        if (struct.fields().isEmpty()) {
            out.line("return \"%s()\";", struct.name());
            out.close();
            return;
        }
        out.line("return \"%s(\"", struct.name());
        List<FieldSpec> fields = struct.fields();
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec f = fields.get(i);
            String a = "this." + f.camelName();
            String value = switch (f.type()) {
                case Primitive p
                when p == Primitive.STRING -> "(" + a + " == null ? \"null\" : \"'\" + " + a + " + \"'\")";
                case Primitive p when p == Primitive.BYTES -> "Arrays.toString(" + a + ")";
                default -> a;
            };
            out.line("        + \"%s%s=\" + %s", i == 0 ? "" : ", ", f.camelName(), value);
        }
        out.line("        + \")\";");
        out.close();
    }

    // ---------------------------------------------------------------- helpers

    /** Tagged fields that can appear in the given versions, in tag order. */
    private static List<FieldSpec> taggedFields(StructSpec struct, Versions ctx) {
        return struct.fields().stream()
                .filter(f -> f.tag().isPresent()
                        && !f.taggedVersions().intersect(ctx).isEmpty())
                .sorted(Comparator.comparing(f -> f.tag().orElseThrow()))
                .toList();
    }

    /** Versions in which the field's strings or bytes use compact encodings. */
    private Versions compactVersions(FieldSpec f) {
        return f.flexibleVersions().orElse(spec.flexibleVersions());
    }

    /**
     * A Java condition true for the versions of {@code set} among {@code ctx}: {@code "true"} or {@code "false"} when
     * constant over {@code ctx}.
     */
    static String cond(Versions set, Versions ctx) {
        Versions in = set.intersect(ctx);
        if (in.isEmpty()) {
            return FALSE;
        }
        if (in.equals(ctx)) {
            return TRUE;
        }
        boolean needLow = in.lowest() > ctx.lowest();
        boolean needHigh = in.highest() < ctx.highest();
        if (needLow && needHigh) {
            return in.lowest() == in.highest()
                    ? "version == " + in.lowest()
                    : "version >= " + in.lowest() + " && version <= " + in.highest();
        }
        return needLow ? "version >= " + in.lowest() : "version <= " + in.highest();
    }

    /** The negation of a condition made by {@link #cond}. */
    static String negate(String condition) {
        if (condition.startsWith("version >= ") && !condition.contains("&&")) {
            return "version < " + condition.substring("version >= ".length());
        }
        if (condition.startsWith("version <= ") && !condition.contains("&&")) {
            return "version > " + condition.substring("version <= ".length());
        }
        return "!(" + condition + ")";
    }

    private interface VersionBranch {
        void emit(boolean member, Versions ctx);
    }

    /**
     * Emits {@code branch} once per outcome of "the version is in {@code set}" over {@code ctx}: directly when that
     * is constant, otherwise as an if/else.
     */
    private void byVersions(Versions set, Versions ctx, VersionBranch branch) {
        String c = cond(set, ctx);
        if (c.equals(TRUE)) {
            branch.emit(true, ctx);
        } else if (c.equals(FALSE)) {
            branch.emit(false, ctx);
        } else {
            out.open("if (%s)", c);
            branch.emit(true, set.intersect(ctx));
            out.reopen("else");
            branch.emit(false, ctx);
            out.close();
        }
    }

    static String javaType(FieldType type) {
        return switch (type) {
            case Primitive p ->
                switch (p) {
                    case BOOL -> "boolean";
                    case INT8 -> "byte";
                    case INT16 -> "short";
                    case UINT16, INT32 -> "int";
                    case UINT32, INT64 -> "long";
                    case FLOAT64 -> "double";
                    case UUID -> "UUID";
                    case STRING -> "String";
                    case BYTES -> "byte[]";
                    case RECORDS -> "Records";
                };
            case ArrayType a -> "List<" + boxedType(a.element()) + ">";
            case StructType s -> s.name();
        };
    }

    static String boxedType(FieldType type) {
        if (type instanceof Primitive p) {
            return switch (p) {
                case BOOL -> "Boolean";
                case INT8 -> "Byte";
                case INT16 -> "Short";
                case UINT16, INT32 -> "Integer";
                case UINT32, INT64 -> "Long";
                case FLOAT64 -> "Double";
                default -> javaType(p);
            };
        }
        return javaType(type);
    }

    /** The Java expression of a field's default value. */
    String defaultValue(FieldSpec f) {
        if (f.defaultIsNull()) {
            return "null";
        }
        String raw = f.defaultValue().orElse(null);
        return switch (f.type()) {
            case Primitive p ->
                switch (p) {
                    case BOOL -> {
                        if (raw == null) {
                            yield "false";
                        }
                        if (!raw.equals("true") && !raw.equals("false")) {
                            throw new IllegalArgumentException("Invalid bool default '" + raw + "' of " + f.name());
                        }
                        yield raw;
                    }
                    case INT8 -> "(byte) " + integerDefault(f, raw, Byte.MIN_VALUE, Byte.MAX_VALUE);
                    case INT16 -> "(short) " + integerDefault(f, raw, Short.MIN_VALUE, Short.MAX_VALUE);
                    case UINT16 -> Long.toString(integerDefault(f, raw, 0, 0xffff));
                    case INT32 -> Long.toString(integerDefault(f, raw, Integer.MIN_VALUE, Integer.MAX_VALUE));
                    case UINT32 -> integerDefault(f, raw, 0, 0xffffffffL) + "L";
                    case INT64 -> integerDefault(f, raw, Long.MIN_VALUE, Long.MAX_VALUE) + "L";
                    case FLOAT64 -> raw == null ? "0.0" : Double.toString(Double.parseDouble(raw));
                    case UUID -> {
                        if (raw != null) {
                            throw new IllegalArgumentException("UUID field " + f.name() + " cannot have a default");
                        }
                        yield "WireFormat.ZERO_UUID";
                    }
                    case STRING -> raw == null ? "\"\"" : javaString(raw);
                    case BYTES -> {
                        if (raw != null) {
                            throw new IllegalArgumentException("Bytes field " + f.name() + " may only default to null");
                        }
                        yield "WireFormat.EMPTY_BYTES";
                    }
                    case RECORDS -> "null";
                };
            case ArrayType a -> {
                if (raw != null) {
                    throw new IllegalArgumentException("Array field " + f.name() + " may only default to null");
                }
                yield "new ArrayList<>(0)";
            }
            case StructType s -> {
                if (raw != null) {
                    throw new IllegalArgumentException("Struct field " + f.name() + " may only default to null");
                }
                yield "new " + s.name() + "()";
            }
        };
    }

    private static long integerDefault(FieldSpec f, String raw, long min, long max) {
        if (raw == null) {
            return 0;
        }
        long value;
        try {
            String s = raw.trim();
            boolean negative = s.startsWith("-");
            String digits = negative ? s.substring(1) : s;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                value = Long.parseLong(digits.substring(2), 16);
            } else if (digits.length() > 1 && digits.startsWith("0")) {
                value = Long.parseLong(digits.substring(1), 8);
            } else {
                value = Long.parseLong(digits);
            }
            value = negative ? -value : value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid default '" + raw + "' of " + f.name(), e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("Default " + raw + " of " + f.name() + " is out of range");
        }
        return value;
    }

    /** A Java condition true when {@code expr} differs from the field's default value. */
    String nonDefault(FieldSpec f, String expr) {
        String def = defaultValue(f);
        return switch (f.type()) {
            case Primitive p ->
                switch (p) {
                    case UUID -> "!WireFormat.ZERO_UUID.equals(" + expr + ")";
                    case STRING -> def.equals("null") ? expr + " != null" : "!" + def + ".equals(" + expr + ")";
                    case BYTES ->
                        def.equals("null") ? expr + " != null" : expr + " == null || " + expr + ".length != 0";
                    case RECORDS -> expr + " != null";
                    default -> expr + " != " + def;
                };
            case ArrayType a -> def.equals("null") ? expr + " != null" : expr + " == null || !" + expr + ".isEmpty()";
            case StructType s ->
                def.equals("null") ? expr + " != null" : expr + " == null || !" + expr + ".isDefault()";
        };
    }

    private static String javaString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String javadoc(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("*/", "*&#47;")
                .replace("@", "&#64;")
                .replace("\\u", "\\\\u")
                .replace("\n", " ");
    }
}

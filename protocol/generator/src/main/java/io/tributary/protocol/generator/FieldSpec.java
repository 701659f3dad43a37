package io.tributary.protocol.generator;

import java.util.List;
import java.util.Optional;

/**
 * One field of a message or struct, as declared in a JSON spec.
 *
 * @param name the spec name, upper camel case ({@code TopicData})
 * @param type the field type
 * @param versions versions in which the field is present (as a regular or a tagged field)
 * @param nullableVersions versions in which the field may be null
 * @param taggedVersions versions in which the field is sent as a tagged field ({@link Versions#NONE} if never)
 * @param tag the tag, if the field is tagged
 * @param ignorable whether a non-default value may be dropped silently when writing a version that lacks the field
 * @param defaultValue the raw "default" attribute, if any
 * @param flexibleVersions a field-level override of the message's flexible versions (string and bytes fields only)
 * @param fields the fields of an inline struct definition (empty when the type refers to a common struct)
 * @param about the documentation text
 */
public record FieldSpec(
        String name,
        FieldType type,
        Versions versions,
        Versions nullableVersions,
        Versions taggedVersions,
        Optional<Integer> tag,
        boolean ignorable,
        Optional<String> defaultValue,
        Optional<Versions> flexibleVersions,
        List<FieldSpec> fields,
        String about) {

    /** The accessor name: the spec name with its first letter in lower case ({@code topicData}). */
    public String camelName() {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** The setter name: {@code set} and the spec name with its first letter in upper case ({@code setTopicData}). */
    public String setterName() {
        return "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The struct name if this field is a struct or an array of structs. */
    public Optional<String> structName() {
        FieldType t = type instanceof FieldType.ArrayType a ? a.element() : type;
        return t instanceof FieldType.StructType s ? Optional.of(s.name()) : Optional.empty();
    }

    /** Versions in which the field is sent as a regular (untagged) field. */
    public Versions untaggedVersions() {
        return versions.subtract(taggedVersions);
    }

    /** True if the default is null ({@code "default": "null"}); records fields always default to null. */
    public boolean defaultIsNull() {
        return type == FieldType.Primitive.RECORDS
                || defaultValue.map("null"::equals).orElse(false);
    }
}

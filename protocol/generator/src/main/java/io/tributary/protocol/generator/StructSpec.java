package io.tributary.protocol.generator;

import java.util.List;

/**
 * A struct: the top level of a message, an inline struct declared by a field, or a common struct.
 *
 * @param name the spec name, used as the Java class name of nested structs
 * @param fields the fields in wire order
 */
public record StructSpec(String name, List<FieldSpec> fields) {}

package io.tributary.protocol.generator;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON message spec ({@code common/message/*.json}).
 *
 * @param name the spec name ({@code ProduceRequest})
 * @param type request, response, header or data (Kafka also uses "metadata" for its metadata records)
 * @param apiKey the API key of requests and responses
 * @param validVersions the versions this spec defines ({@link Versions#NONE} for removed APIs)
 * @param flexibleVersions versions with compact encodings and tagged fields
 * @param latestVersionUnstable whether the highest valid version is still unstable
 * @param listeners the listener types that serve the API (requests only), lower case
 * @param fields the top-level fields
 * @param structs every struct declared in the spec (inline and common), by name, in declaration order
 */
public record MessageSpec(
        String name,
        String type,
        Optional<Short> apiKey,
        Versions validVersions,
        Versions flexibleVersions,
        boolean latestVersionUnstable,
        List<String> listeners,
        List<FieldSpec> fields,
        Map<String, StructSpec> structs) {

    /**
     * The generated class name: the spec name with a {@code Data} suffix, unless the spec name already ends with it
     * ({@code ProduceRequestData}, {@code ConsumerProtocolAssignmentData}, {@code DefaultPrincipalData}).
     */
    public String className() {
        return name.endsWith("Data") ? name : name + "Data";
    }

    public boolean isApiMessage() {
        return apiKey.isPresent() && (type.equals("request") || type.equals("response"));
    }

    /** The top level as a struct. */
    public StructSpec topLevel() {
        return new StructSpec(className(), fields);
    }

    /** The struct a field refers to. */
    public StructSpec struct(String structName) {
        StructSpec s = structs.get(structName);
        if (s == null) {
            throw new IllegalArgumentException("Spec " + name + " has no struct " + structName);
        }
        return s;
    }
}

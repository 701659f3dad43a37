package io.tributary.protocol.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionsTest {

    @Test
    void shouldParseEveryFormOfTheSpecs() {
        assertEquals(new Versions((short) 3, Short.MAX_VALUE), Versions.parse("3+"));
        assertEquals(new Versions((short) 0, (short) 12), Versions.parse("0-12"));
        assertEquals(new Versions((short) 5, (short) 5), Versions.parse("5"));
        assertTrue(Versions.parse("none").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Versions.parse("3-"));
    }

    @Test
    void shouldPrintAsTheSpecsWrite() {
        assertEquals("3+", Versions.parse("3+").toString());
        assertEquals("0-12", Versions.parse("0-12").toString());
        assertEquals("5", Versions.parse("5").toString());
        assertEquals("none", Versions.NONE.toString());
    }

    @Test
    void shouldIntersectAndSubtract() {
        Versions valid = Versions.parse("4-18");
        assertEquals(Versions.parse("12-18"), Versions.parse("12+").intersect(valid));
        assertTrue(Versions.parse("0-3").intersect(valid).isEmpty());
        assertEquals(Versions.parse("0-11"), Versions.parse("0+").subtract(Versions.parse("12+")));
        assertTrue(Versions.parse("12+").subtract(Versions.parse("12+")).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Versions.parse("0+").subtract(Versions.parse("3-4")));
    }

    @Test
    void shouldTreatTheEmptyRangeAsContainedEverywhere() {
        assertTrue(Versions.parse("3-4").containsAll(Versions.NONE));
        assertFalse(Versions.NONE.contains(0));
        assertFalse(Versions.parse("3-4").containsAll(Versions.parse("3+")));
    }

    @Test
    void shouldSimplifyConditionsOverTheVersionsTheCodeRunsIn() {
        Versions valid = Versions.parse("3-13");
        assertEquals("true", MessageClassGenerator.cond(Versions.parse("0+"), valid));
        assertEquals("false", MessageClassGenerator.cond(Versions.parse("0-2"), valid));
        assertEquals("version >= 9", MessageClassGenerator.cond(Versions.parse("9+"), valid));
        assertEquals("version <= 12", MessageClassGenerator.cond(Versions.parse("0-12"), valid));
        assertEquals("version >= 5 && version <= 7", MessageClassGenerator.cond(Versions.parse("5-7"), valid));
        assertEquals("version == 8", MessageClassGenerator.cond(Versions.parse("8"), valid));
    }
}

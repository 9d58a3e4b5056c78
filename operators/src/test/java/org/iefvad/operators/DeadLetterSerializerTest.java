package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static JsonNode value(ProducerRecord<byte[], byte[]> r) throws Exception {
        return new ObjectMapper().readTree(r.value());
    }

    @Test
    void aDeadLetterThatFitsKeepsItsOriginalBytes() throws Exception {
        byte[] payload = bytes(7_000);
        DeadLetterSerializer s = new DeadLetterSerializer("dead", 10_000);
        ProducerRecord<byte[], byte[]> r = s.serialize(new DeadLetter("cam", 4, 400, "undecodable image: x", 0, 0,
                payload), null, 400L);
        assertEquals("dead", r.topic());
        assertArrayEquals(payload, Base64.getDecoder().decode(value(r).get("payload").asText()));
        assertEquals("undecodable image: x", value(r).get("reason").asText());
    }

    @Test
    void aDeadLetterTooLargeForItsTopicGoesOutWithoutItsPayloadAndSaysSo() throws Exception {
        // 7,600 bytes fit the frames topic but grow to about 10,150 as base64 in JSON
        DeadLetterSerializer s = new DeadLetterSerializer("dead", 10_000);
        ProducerRecord<byte[], byte[]> r = s.serialize(new DeadLetter("cam", 4, 400, "undecodable image: x", 0, 0,
                bytes(7_600)), null, 400L);
        assertTrue(r.value().length + r.key().length + DeadLetterSerializer.RECORD_OVERHEAD_BYTES <= 10_000);
        JsonNode v = value(r);
        assertTrue(v.get("payload").isNull(), v.toString());
        assertEquals("undecodable image: x; its original value of 7600 bytes is left out, because with it this dead "
                + "letter would be larger than the 10000 bytes the dead-letter topic takes", v.get("reason").asText());
        assertEquals(4, v.get("index").asLong());
        assertEquals("cam", new String(r.key()));
    }

    @Test
    void aLimitWithNoRoomForAnyDeadLetterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DeadLetterSerializer("dead", 1_000));
    }
}

package org.iefvad.operators;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Frames-topic records as {@link FrameRecord}s; decoding waits for {@link FrameRecordDecoder}. */
public final class FrameRecordDeserializer implements KafkaRecordDeserializationSchema<FrameRecord> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
        out.collect(FrameRecordFormat.read(record));
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }
}

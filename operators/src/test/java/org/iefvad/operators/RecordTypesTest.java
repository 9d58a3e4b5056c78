package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.iefvad.model.KalmanUpdate;
import org.iefvad.model.PreparedFrame;
import org.junit.jupiter.api.Test;

/** Everything that flows or sits in state must get Flink's POJO serializer, never Kryo. */
class RecordTypesTest {
    @Test
    void everyRecordIsAPojoWithoutGenericFields() {
        for (Class<?> c : List.of(CameraFrame.class, PreparedCameraFrame.class, SegmentFrames.class,
                EncodedSegment.class, FusedStep.class, FilteredStep.class, SegmentScore.class, DeadLetter.class,
                PreparedFrame.class, KalmanUpdate.State.class, ContextWindowFunction.ContextEntry.class,
                SegmentAssembler.Cursor.class, Alert.class, AlertFunction.Track.class, FrameRecord.class)) {
            TypeInformation<?> t = TypeInformation.of(c);
            PojoTypeInfo<?> p = assertInstanceOf(PojoTypeInfo.class, t, c.getSimpleName());
            for (int i = 0; i < p.getArity(); i++) {
                TypeInformation<?> f = p.getTypeAt(i);
                assertFalse(f instanceof GenericTypeInfo, c.getSimpleName() + "." + p.getFieldNames()[i] + " is " + f);
                assertFalse(f.toString().contains("GenericType"), c.getSimpleName() + "." + p.getFieldNames()[i] + " is " + f);
            }
        }
    }
}

package org.iefvad.operators;

import java.io.Serializable;
import org.iefvad.model.SegmentEncoder;

/**
 * Makes the segment encoder inside each operator instance: encoders hold native or non-serializable
 * resources, so the job graph carries this factory instead.
 */
@FunctionalInterface
public interface EncoderFactory extends Serializable {
    SegmentEncoder create() throws Exception;
}

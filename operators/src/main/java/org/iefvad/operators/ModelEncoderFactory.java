package org.iefvad.operators;

import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.SegmentEncoders;

/** The encoder a model folder was trained with (its model.json names it), made inside each operator. */
public record ModelEncoderFactory(ModelRef model) implements EncoderFactory {
    @Override
    public SegmentEncoder create() throws Exception {
        return SegmentEncoders.forModel(model.load());
    }
}

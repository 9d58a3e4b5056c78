package org.iefvad.model;

import java.util.Map;

/** The encoder a model folder was trained with, by the {@code encoder.name} in its model.json. */
public final class SegmentEncoders {
    private SegmentEncoders() {}

    public static SegmentEncoder forModel(ModelFolder model) {
        Map<String, Object> d = model.config().encoder();
        Object name = d == null ? null : d.get("name");
        if (CellStatisticsEncoder.NAME.equals(name)) {
            return CellStatisticsEncoder.fromModel(model);
        }
        throw new IllegalArgumentException("model version " + model.config().version() + " names encoder '" + name
                + "', which this build does not provide (known: " + CellStatisticsEncoder.NAME + ")");
    }
}

package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OfficialCropsTest {

    /** A 340x256 RGB image whose R byte is the column mod 256 and G byte the row. */
    private static byte[] coordinates() {
        byte[] img = new byte[OfficialCrops.WIDTH * OfficialCrops.HEIGHT * 3];
        for (int y = 0; y < OfficialCrops.HEIGHT; y++) {
            for (int x = 0; x < OfficialCrops.WIDTH; x++) {
                img[(y * OfficialCrops.WIDTH + x) * 3] = (byte) x;
                img[(y * OfficialCrops.WIDTH + x) * 3 + 1] = (byte) y;
            }
        }
        return img;
    }

    @Test
    void cropsStartAtTheOfficialCornersAndMirrorInPlace() {
        byte[] img = coordinates();
        int[][] topLeft = {{16, 58}, {0, 0}, {0, 116}, {32, 0}, {32, 116}};
        for (int i = 0; i < 10; i++) {
            byte[] c = OfficialCrops.crop(img, i);
            int top = topLeft[i % 5][0];
            int left = topLeft[i % 5][1];
            // a mirrored crop's first column is the last column of the unmirrored crop
            int firstCol = i < 5 ? left : left + 223;
            assertEquals(firstCol & 0xFF, c[0] & 0xFF, "crop " + i + " first column");
            assertEquals(top, c[1] & 0xFF, "crop " + i + " first row");
            int lastCol = i < 5 ? left + 223 : left;
            assertEquals(lastCol & 0xFF, c[(223 * 224 + 223) * 3] & 0xFF, "crop " + i + " last column");
            assertEquals(top + 223, c[(223 * 224 + 223) * 3 + 1] & 0xFF, "crop " + i + " last row");
        }
    }

    @Test
    void resizedRgbSwapsBlueAndRed() {
        byte[] bgr = new byte[OfficialCrops.WIDTH * OfficialCrops.HEIGHT * 3];
        for (int i = 0; i < bgr.length; i += 3) {
            bgr[i] = 1;
            bgr[i + 2] = 3;
        }
        byte[] rgb = OfficialCrops.resizedRgb(bgr, OfficialCrops.WIDTH, OfficialCrops.HEIGHT);
        assertEquals(3, rgb[0]);
        assertEquals(1, rgb[2]);
    }
}

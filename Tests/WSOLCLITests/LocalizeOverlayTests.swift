//! Heat-map colouring and overlays (WSOLData/Visualization) as `wsol localize` draws them.
import Testing
import WSOLData
import WSOLLocalization

private func rgb(_ color: (r: UInt8, g: UInt8, b: UInt8)) -> [UInt8] { [color.r, color.g, color.b] }

@Suite("Localize overlays")
struct LocalizeOverlayTests {
    @Test func colormapEndpoints() {
        // Turbo polynomial at 0: (0.1357, 0.0914, 0.1067)·255 -> (35, 23, 27);
        // at 1: coefficient sums (0.5659, 0.0494, -0.0255) -> (144, 13, 0).
        #expect(rgb(Colormap.turbo.color(0)) == [35, 23, 27])
        #expect(rgb(Colormap.turbo.color(1)) == [144, 13, 0])
        // Jet: dark blue (0, 0, 128) at 0, dark red (128, 0, 0) at 1; values outside clamp.
        #expect(rgb(Colormap.jet.color(-3)) == [0, 0, 128])
        #expect(rgb(Colormap.jet.color(1)) == [128, 0, 0])
        #expect(rgb(Colormap.gray.color(.nan)) == [0, 0, 0])
    }

    @Test func overlayBlendsByScoreAndDrawsBoxes() {
        let photo = PixelImage(width: 10, height: 10, channels: 3, pixels: [UInt8](repeating: 100, count: 300))
        let cold = ScoreMap(width: 10, height: 10, repeating: 0)
        let plain = HeatmapOverlay().render(photo: photo, map: cold, boxes: [])
        // Opacity 0.25 at score 0: 0.75·100 + 0.25·(35, 23, 27) = (83.75, 80.75, 81.75) -> (84, 81, 82).
        #expect(Array(plain.pixels[0..<3]) == [84, 81, 82])

        let boxed = HeatmapOverlay().render(photo: photo, map: cold,
                                            boxes: [.predicted(Box(x0: 1, y0: 1, x1: 8, y1: 8))])
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(boxed.pixels[((y * 10 + x) * 3)..<((y * 10 + x) * 3 + 3)]) }
        // Box (1, 1, 8, 8), thickness 2: green band on columns/rows 1-2 and 7-8, a dark ring at 0 and 9
        // outside and at 3 and 6 inside, the interior 4...5 untouched.
        #expect(pixel(1, 1) == [40, 255, 90])
        #expect(pixel(2, 5) == [40, 255, 90])
        #expect(pixel(8, 4) == [40, 255, 90])
        #expect(pixel(0, 0) == [20, 20, 20])
        #expect(pixel(3, 3) == [20, 20, 20])
        #expect(pixel(4, 5) == [84, 81, 82])
    }

    @Test func largePhotosAreReducedAndBoxesFollow() {
        let photo = PixelImage(width: 1600, height: 800, channels: 1)
        let map = ScoreMap(width: 16, height: 8, repeating: 1)
        let image = HeatmapOverlay(maxSide: 800).render(photo: photo, map: map, boxes: [])
        #expect(image.width == 800 && image.height == 400 && image.channels == 3)
        // Map pixel columns 4...7 cover overlay columns 200...399 (50 px per map pixel).
        let box = HeatmapOverlay.rescaled(Box(x0: 4, y0: 0, x1: 7, y1: 7), from: MapSize(width: 16, height: 8),
                                          to: MapSize(width: 800, height: 400))
        #expect(box == Box(x0: 200, y0: 0, x1: 399, y1: 399))
    }
}

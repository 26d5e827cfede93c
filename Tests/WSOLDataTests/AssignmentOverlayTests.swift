import Testing
@testable import WSOLData

@Suite struct AssignmentOverlayTests {
    /// A 4x2 grey photo (value 100) under a 2x1 cluster map (T^u | T^t): the left two columns blend
    /// with blue (40, 90, 230), the right two with red (230, 40, 40), half and half:
    /// left (70, 95, 165), right (165, 70, 70).
    @Test func blendsEachCellsColourOverThePhoto() {
        let photo = PixelImage(width: 4, height: 2, channels: 1, pixels: [UInt8](repeating: 100, count: 8))
        let image = AssignmentOverlay.render(photo: photo, clusters: [0, 2], mapWidth: 2, mapHeight: 1)
        #expect(image.width == 4 && image.height == 2 && image.channels == 3)
        let left: [UInt8] = [70, 95, 165], right: [UInt8] = [165, 70, 70]
        let row = left + left + right + right
        #expect(image.pixels == row + row)
    }

    /// T^f is yellow (240, 220, 40): over black at opacity 1 the pixel is exactly that colour.
    @Test func pseudoSourceIsYellow() {
        let photo = PixelImage(width: 1, height: 1, channels: 3, pixels: [0, 0, 0])
        #expect(AssignmentOverlay.render(photo: photo, clusters: [1], mapWidth: 1, mapHeight: 1, opacity: 1).pixels == [240, 220, 40])
    }
}

import Testing
import WSOLEvaluation

@Suite struct ScoreMapValidationTests {
    @Test func acceptsValidMapsAndClampsOnlyWhenAsked() throws {
        let values = [0, 0.5, 1, 0.25]
        #expect(try ScoreMapValidation.validated(values, shape: [2, 2], expectedWidth: 2, expectedHeight: 2,
                                                 clampOutOfRange: false) == values)
        // 1.0000001 and -0.5 clamp to 1 and 0.
        let clamped = try ScoreMapValidation.validated([1.0000001, -0.5, 0.3, 0], shape: [2, 2], expectedWidth: 2,
                                                       expectedHeight: 2, clampOutOfRange: true)
        #expect(clamped == [1, 0, 0.3, 0])
    }

    @Test func rejectionsNameThePixel() {
        func reason(_ values: [Double], shape: [Int] = [2, 2], clamp: Bool = false) -> String {
            do {
                _ = try ScoreMapValidation.validated(values, shape: shape, expectedWidth: 2, expectedHeight: 2,
                                                     clampOutOfRange: clamp)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        // Index 3 is column 1, row 1.
        #expect(reason([0, 0, 0, 1.5]) == "score map value 1.5 at (x 1, y 1) is outside [0, 1]")
        #expect(reason([0, .nan, 0, 0], clamp: true) == "score map contains nan at (x 1, y 0)")
        #expect(reason([0, 0, .infinity, 0], clamp: true) == "score map contains inf at (x 0, y 1)")
        #expect(reason([0, 0, 0, 0], shape: [4]).contains("must be 2-D"))
        #expect(reason([0, 0, 0, 0], shape: [1, 4]).contains("expected (2, 2)"))
    }
}

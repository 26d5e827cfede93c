//! Small helpers shared by the kernel tests: run a kernel into a fresh array, random inputs.
import TensorCore
import TensorKernels

/// Allocates `count` floats (filled with NaN so an unwritten element is caught), lets `body`
/// write them, and returns them.
func output(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var result = [Float](repeating: .nan, count: count)
    result.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return result
}

/// Two outputs at once (e.g. weight and bias gradients).
func outputs(
    _ first: Int, _ second: Int,
    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> ([Float], [Float]) {
    var a = [Float](repeating: .nan, count: first)
    var b = [Float](repeating: .nan, count: second)
    a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!) }
    }
    return (a, b)
}

/// A deterministic generator (SplitMix64) so failures reproduce.
typealias SeededGenerator = SplitMix64

/// `count` uniform values in `-1...1`.
func randomValues(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
}

/// 1, 2, ..., count as Float.
func ramp(_ count: Int) -> [Float] { (1...count).map(Float.init) }

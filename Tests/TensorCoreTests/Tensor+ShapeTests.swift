import Testing
import TensorCore
import TensorTestSupport

@Suite struct ShapeTests {
    let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])

    @Test func reshapeInfersOneExtent() {
        let y = x.reshaped(to: [3, -1])
        #expect(y.shape == [3, 2])
        #expect(y.scalars == x.scalars)
        #expect(Tensor.zeros(shape: [2, 3, 4, 5]).flattened(startAxis: 1).shape == [2, 60])
    }

    @Test func squeezeAndUnsqueeze() {
        let y = x.unsqueezed(axis: 0).unsqueezed(axis: -1)
        #expect(y.shape == [1, 2, 3, 1])
        #expect(y.squeezed(axis: 0).shape == [2, 3, 1])
        #expect(y.squeezed().shape == [2, 3])
    }

    @Test func transposeAndPermuteMoveElements() {
        // [[1,2,3],[4,5,6]]ᵀ = [[1,4],[2,5],[3,6]].
        let t = x.transposed()
        #expect(t.shape == [3, 2])
        #expect(t.scalars == [1, 4, 2, 5, 3, 6])
        // NCHW [1, 2, 1, 2] -> NHWC [1, 1, 2, 2]: channels become innermost.
        let nchw = Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 10, 20])
        #expect(nchw.permuted([0, 2, 3, 1]).scalars == [1, 10, 2, 20])
    }

    @Test func largePermutesTakeTheTiledPathCorrectly() {
        // NCHW [2, 3, 20, 17] -> NHWC: out[n, y, x, c] = in[n, c, y, x], checked element by element.
        let (n, c, h, w) = (2, 3, 20, 17)
        let x = Tensor(shape: [n, c, h, w], scalars: (0..<(n * c * h * w)).map(Float.init))
        let nhwc = x.permuted([0, 2, 3, 1]).scalars
        var expected: [Float] = []
        for b in 0..<n { for y in 0..<h { for col in 0..<w { for ch in 0..<c {
            expected.append(Float(((b * c + ch) * h + y) * w + col))
        } } } }
        #expect(nhwc == expected)
        // A 40 x 50 matrix transpose: out[j, i] = in[i, j] = i·50 + j.
        let m = Tensor(shape: [40, 50], scalars: (0..<2000).map(Float.init)).transposed().scalars
        #expect(m == (0..<50).flatMap { j in (0..<40).map { i in Float(i * 50 + j) } })
        checkGradients({ $0[0].permuted([0, 2, 3, 1]) }, at: [testTensor([1, 9, 8, 10], seed: 18)])
    }

    @Test func broadcastRepeatsAlongUnitAxes() {
        let column = Tensor(shape: [2, 1], scalars: [1, 2])
        #expect(column.broadcast(to: [2, 3]).scalars == [1, 1, 1, 2, 2, 2])
        #expect(Tensor(shape: [3], scalars: [1, 2, 3]).broadcast(to: [2, 3]).scalars == [1, 2, 3, 1, 2, 3])
    }

    @Test func shapeOpsPassGradientChecks() {
        let t = testTensor([2, 3, 4], seed: 13)
        checkGradients({ $0[0].reshaped(to: [6, 4]) }, at: [t])
        checkGradients({ $0[0].permuted([2, 0, 1]) }, at: [t])
        checkGradients({ $0[0].transposed(0, 2) }, at: [t])
        checkGradients({ $0[0].unsqueezed(axis: 1).squeezed(axis: 1) }, at: [t])
        let row = testTensor([1, 4], seed: 14)
        checkGradients({ $0[0].broadcast(to: [3, 4]) }, at: [row])
    }

    @Test func reshapedIsAViewAndPermutedIsACopy() {
        func address(_ t: Tensor) -> UnsafePointer<Float>? { t.withUnsafeBufferPointer { $0.baseAddress } }
        let view = x.reshaped(to: [6])
        #expect(address(view) == address(x))
        #expect(address(x.transposed()) != address(x))
        // Writing through either copy never shows in the source.
        var y = view
        y[0] = 100
        #expect(x.scalars == [1, 2, 3, 4, 5, 6])
        #expect(address(y) != address(x))
    }
}

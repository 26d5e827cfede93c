import Foundation
import Testing
import TensorCore
import TensorTestSupport

@Suite struct ElementwiseTests {
    @Test func arithmeticMatchesHandValues() {
        let a = Tensor(shape: [3], scalars: [1, 2, 3])
        let b = Tensor(shape: [3], scalars: [4, 5, 6])
        #expect((a + b).scalars == [5, 7, 9])
        #expect((a - b).scalars == [-3, -3, -3])
        #expect((a * b).scalars == [4, 10, 18])
        #expect((b / a).scalars == [4, 2.5, 2])
        #expect((-a).scalars == [-1, -2, -3])
        #expect((a + 1).scalars == [2, 3, 4])
        #expect((10 - a).scalars == [9, 8, 7])
        #expect((1 / b).scalars == [0.25, 0.2, 1 / Float(6)])
    }

    @Test func broadcastingFollowsNumpyRules() {
        // [2, 3] + [3]: the row is added to each row.
        let matrix = Tensor(shape: [2, 3], scalars: [0, 1, 2, 10, 11, 12])
        let row = Tensor(shape: [3], scalars: [100, 200, 300])
        #expect((matrix + row).scalars == [100, 201, 302, 110, 211, 312])
        // [2, 1] * [1, 3] -> [2, 3] outer product: [1, 2] x [3, 4, 5].
        let column = Tensor(shape: [2, 1], scalars: [1, 2])
        let other = Tensor(shape: [1, 3], scalars: [3, 4, 5])
        let outer = column * other
        #expect(outer.shape == [2, 3])
        #expect(outer.scalars == [3, 4, 5, 6, 8, 10])
        // NCHW plus a per-channel bias [1, 2, 1, 1].
        let x = Tensor(repeating: 1, shape: [1, 2, 2, 2])
        let bias = Tensor(shape: [1, 2, 1, 1], scalars: [10, 20])
        #expect((x + bias).scalars == [11, 11, 11, 11, 21, 21, 21, 21])
    }

    @Test func broadcastGradientsSumOverRepeatedAxes() {
        // y = sum(m + r), m [2, 3], r [3]: dy/dm = 1, dy/dr = 2 (each r_j is used in two rows).
        let m = testTensor([2, 3], seed: 1), r = testTensor([3], seed: 2)
        let y = (m + r).sum()
        let grads = gradients(of: y, wrt: [m, r])
        #expect(grads[0].scalars == [1, 1, 1, 1, 1, 1])
        #expect(grads[1].scalars == [2, 2, 2])
    }

    @Test func polynomialGradientMatchesHandDerivation() {
        // y = x^2 + 5x + 4 at x = [3, 1, 4]: y = [28, 10, 40]; dy/dx = 2x + 5 = [11, 7, 13].
        let x = Tensor(shape: [3], scalars: [3, 1, 4])
        let y = x * x + x * 5 + 4
        #expect(y.scalars == [28, 10, 40])
        #expect(gradients(of: y, wrt: [x])[0].scalars == [11, 7, 13])
    }

    @Test func unaryMathMatchesHandValues() {
        let x = Tensor(shape: [3], scalars: [1, 4, 9])
        expectClose(sqrt(x).scalars, [1, 2, 3])
        expectClose(log(exp(x)).scalars, [1, 4, 9], rtol: 1e-6)
        expectClose(pow(x, 0.5).scalars, [1, 2, 3])
        expectClose(pow(x, 2).scalars, [1, 16, 81])
        #expect(abs(Tensor(shape: [3], scalars: [-2, 0, 3])).scalars == [2, 0, 3])
        // clamp to [0, 2]: [-1, 1, 3] -> [0, 1, 2].
        #expect(clamp(Tensor(shape: [3], scalars: [-1, 1, 3]), min: 0, max: 2).scalars == [0, 1, 2])
    }

    @Test func unaryGradientsMatchHandDerivation() {
        // d/dx sqrt(x) = 1 / (2 sqrt x): at [1, 4] -> [0.5, 0.25].
        let x = Tensor(shape: [2], scalars: [1, 4])
        expectClose(gradients(of: sqrt(x), wrt: [x])[0].scalars, [0.5, 0.25])
        // d/dx log x = 1/x -> [1, 0.25]; d/dx x^3 = 3x^2 -> [3, 48].
        expectClose(gradients(of: log(x), wrt: [x])[0].scalars, [1, 0.25])
        expectClose(gradients(of: pow(x, 3), wrt: [x])[0].scalars, [3, 48])
        // abs: sign(x), 0 at 0 (PyTorch).
        let z = Tensor(shape: [3], scalars: [-2, 0, 3])
        #expect(gradients(of: abs(z), wrt: [z])[0].scalars == [-1, 0, 1])
        // clamp(min 0, max 2) at [-1, 1, 3]: gradient only inside -> [0, 1, 0].
        let c = Tensor(shape: [3], scalars: [-1, 1, 3])
        #expect(gradients(of: clamp(c, min: 0, max: 2), wrt: [c])[0].scalars == [0, 1, 0])
    }

    @Test func binaryOpsPassGradientChecks() {
        let a = testTensor([2, 3], seed: 3), b = testTensor([3], seed: 4, lower: 0.5, upper: 2)
        checkGradients({ $0[0] + $0[1] }, at: [a, b])
        checkGradients({ $0[0] - $0[1] }, at: [a, b])
        checkGradients({ $0[0] * $0[1] }, at: [a, b])
        checkGradients({ $0[0] / $0[1] }, at: [a, b])
        checkGradients({ -$0[0] }, at: [a])
        let column = testTensor([2, 1], seed: 5)
        checkGradients({ $0[0] * $0[1] }, at: [column, b], "outer broadcast")
    }

    @Test func unaryOpsPassGradientChecks() {
        let positive = testTensor([2, 3], seed: 6, lower: 0.5, upper: 2)
        let signed = testTensorAwayFromZero([2, 3], seed: 7)
        checkGradients({ exp($0[0]) }, at: [signed])
        checkGradients({ log($0[0]) }, at: [positive])
        checkGradients({ sqrt($0[0]) }, at: [positive])
        checkGradients({ abs($0[0]) }, at: [signed])
        checkGradients({ pow($0[0], 3) }, at: [signed])
        checkGradients({ pow($0[0], 1.5) }, at: [positive])
        checkGradients({ clamp($0[0], min: -0.05, max: 0.05) }, at: [signed], "all outside the band")
        checkGradients({ clamp($0[0], min: -2, max: 2) }, at: [signed], "all inside the band")
        let exponent = testTensor([2, 3], seed: 8, lower: 0.5, upper: 2)
        checkGradients({ pow($0[0], $0[1]) }, at: [positive, exponent])
    }

    @Test func selectRoutesValuesAndGradients() {
        // condition [1, 0, 1]: picks a, b, a.
        let condition = Tensor(shape: [3], scalars: [1, 0, 1])
        let a = Tensor(shape: [3], scalars: [1, 2, 3]), b = Tensor(shape: [3], scalars: [10, 20, 30])
        let y = select(condition, a, b)
        #expect(y.scalars == [1, 20, 3])
        let grads = gradients(of: y, wrt: [a, b])
        #expect(grads[0].scalars == [1, 0, 1])
        #expect(grads[1].scalars == [0, 1, 0])
        // A scalar branch broadcasts: its gradient is the count of places it was chosen (1).
        let fill = Tensor(-1)
        let z = select(condition, a, fill)
        #expect(z.scalars == [1, -1, 3])
        #expect(gradients(of: z, wrt: [fill])[0].scalars == [1])
        checkGradients({ select(condition, $0[0], $0[1]) }, at: [testTensor([2, 3], seed: 9), testTensor([3], seed: 10)])
    }

    @Test func comparisonsGiveConstantMasks() {
        let x = Tensor(shape: [4], scalars: [-1, 0, 1, 2])
        #expect((x .> 0).scalars == [0, 0, 1, 1])
        #expect((x .>= 0).scalars == [0, 1, 1, 1])
        #expect((x .< 1).scalars == [1, 1, 0, 0])
        #expect((x .<= 1).scalars == [1, 1, 1, 0])
        #expect((x .== 2).scalars == [0, 0, 0, 1])
        #expect(!(x .> 0).isRecorded)
    }
}

@Suite struct FastExpTests {
    @Test func expMatchesLibmWithinAFewUlp() {
        // 4001 points on [−80, 80]: relative error below 4e-7 (~3 ulp) against Double exp.
        let points = (0...4000).map { Float($0) * 0.04 - 80 }
        let y = exp(Tensor(shape: [points.count], scalars: points)).scalars
        let expected = points.map { Float(Foundation.exp(Double($0))) }
        expectClose(y, expected, rtol: 4e-7, atol: 0)
    }

    @Test func expHandlesTheEdges() {
        // e^−110 underflows to 0; e^−100 ≈ 3.72e−44 is subnormal; e^88.7 ≈ 3.32e38 is finite;
        // e^89 overflows to +inf; NaN stays NaN; e^0 = 1 exactly.
        let y = exp(Tensor(shape: [6], scalars: [-110, -100, 88.7, 89, .nan, 0])).scalars
        #expect(y[0] == 0)
        #expect(Double(y[1]) > 3.5e-44 && Double(y[1]) < 3.9e-44)
        expectClose([y[2]], [Float(Foundation.exp(Double(Float(88.7))))], rtol: 1e-6)
        #expect(y[3] == .infinity)
        #expect(y[4].isNaN)
        #expect(y[5] == 1)
    }
}

@Suite struct MaximumMinimumTests {
    @Test func maximumAndMinimumPickAndRouteGradients() {
        let a = Tensor(shape: [3], scalars: [1, 5, 2]), b = Tensor(shape: [3], scalars: [4, 3, 2])
        #expect(maximum(a, b).scalars == [4, 5, 2])
        #expect(minimum(a, b).scalars == [1, 3, 2])
        // Gradient of max: b, a, a (tie goes to a).
        let grads = gradients(of: maximum(a, b), wrt: [a, b])
        #expect(grads[0].scalars == [0, 1, 1])
        #expect(grads[1].scalars == [1, 0, 0])
        // Broadcast against a scalar: maximum(x, 0) is relu.
        let x = Tensor(shape: [3], scalars: [-1, 0.5, 2])
        #expect(maximum(x, Tensor(0)).scalars == [0, 0.5, 2])
        checkGradients({ maximum($0[0], $0[1]) }, at: [distinctTestTensor([2, 3], seed: 83), distinctTestTensor([3], seed: 84, spacing: 0.33)])
    }
}

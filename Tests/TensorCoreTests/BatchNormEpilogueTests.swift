import Testing
@testable import TensorCore
import TensorTestSupport

/// `batchNormEpilogue`: one recorded op with the values and gradients of the separate ops.
@Suite struct BatchNormEpilogueTests {
    @Test func handWorkedValues() {
        // One channel, x = (0, 2, 4, 6): mean 3, biased variance 5; ε = 0, γ = 1, β = 0:
        // BN = (−3, −1, 1, 3)/√5 = (−1.341641, −0.447214, 0.447214, 1.341641).
        // + residual (1, 1, −1, 5) = (−0.341641, 0.552786, −0.552786, 6.341641).
        // ReLU: (0, 0.552786, 0, 6.341641); ReLU6: (0, 0.552786, 0, 6).
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [0, 2, 4, 6])
        let (scale, shift) = (Tensor(shape: [1], scalars: [1]), Tensor(shape: [1], scalars: [0]))
        let residual = Tensor(shape: [1, 1, 2, 2], scalars: [1, 1, -1, 5])
        let relu = batchNormEpilogue(x, scale: scale, shift: shift, epsilon: 0, residual: residual, activation: .relu)
        expectClose(relu.output.scalars, [0, 0.552786, 0, 6.341641], rtol: 1e-5)
        expectClose(relu.mean.scalars, [3])
        expectClose(relu.variance.scalars, [5])
        let clipped = batchNormEpilogue(x, scale: scale, shift: shift, epsilon: 0, residual: residual, activation: .relu6)
        expectClose(clipped.output.scalars, [0, 0.552786, 0, 6], rtol: 1e-5)
    }

    @Test(arguments: [FusedActivation.identity, .relu, .relu6])
    func sameValuesAndGradientsAsSeparateOps(_ activation: FusedActivation) {
        let x = testTensor([3, 4, 5, 5], seed: 60, lower: -3, upper: 3)
        let scale = testTensor([4], seed: 61, lower: 0.5, upper: 4), shift = testTensor([4], seed: 62, lower: -1, upper: 3)
        let residual = testTensor([3, 4, 5, 5], seed: 63, lower: -4, upper: 4)
        for withResidual in [true, false] {
            let r = withResidual ? residual : nil
            let fused = batchNormEpilogue(x, scale: scale, shift: shift, residual: r, activation: activation).output
            var separate = batchNorm(x, scale: scale, shift: shift).output
            if let r { separate = separate + r }
            separate = activation == .relu ? relu(separate) : activation == .relu6 ? relu6(separate) : separate
            // Bitwise equal: the same kernel and float operations.
            #expect(fused.scalars == separate.scalars)
            let seed = testTensor([3, 4, 5, 5], seed: 64)
            let targets = [x, scale, shift] + (r.map { [$0] } ?? [])
            let fusedGradients = gradients(of: fused, wrt: targets, seed: seed)
            let separateGradients = gradients(of: separate, wrt: targets, seed: seed)
            for (a, b) in zip(fusedGradients, separateGradients) { #expect(a.scalars == b.scalars) }
        }
    }

    @Test func passesGradientCheck() {
        let x = testTensor([3, 2, 3, 3], seed: 70, lower: -2, upper: 2)
        let scale = testTensor([2], seed: 71, lower: 0.5, upper: 1.5), shift = testTensor([2], seed: 72)
        let residual = testTensor([3, 2, 3, 3], seed: 73, lower: -1, upper: 1)
        checkGradients({ batchNormEpilogue($0[0], scale: $0[1], shift: $0[2], residual: $0[3], activation: .relu).output },
                       at: [x, scale, shift, residual], "relu with residual")
    }

    @Test func normalisedTensorIsNotKeptForBackward() {
        // The op's parents are x, scale, shift and residual: no tensor between BN and the
        // activation stays alive (the separate ops would keep the BN output and the sum).
        let x = testTensor([2, 2, 3, 3], seed: 80)
        let residual = testTensor([2, 2, 3, 3], seed: 81)
        let y = batchNormEpilogue(x, scale: Tensor.ones(shape: [2]), shift: Tensor.zeros(shape: [2]),
                                  residual: residual, activation: .relu).output
        let parents = y.op?.parents ?? []
        #expect(parents.count == 4)
        #expect(parents[0].id == x.id && parents[3].id == residual.id)
    }
}

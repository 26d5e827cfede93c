import Testing
import TensorCore
import TensorTestSupport

/// The checker itself must fail on a wrong gradient, or every passing check means nothing.
@Suite struct GradientCheckTests {
    @Test func checkerReportsAWrongGradient() {
        // f(x) = detached(x) · x: the analytic gradient is x (one factor is a constant), the
        // numeric one 2x, so the check must record an issue.
        let x = testTensorAwayFromZero([4], seed: 1, margin: 0.5)
        withKnownIssue {
            checkGradients({ $0[0].detached() * $0[0] }, at: [x])
        }
    }

    @Test func checkerAcceptsACorrectGradient() {
        let x = testTensor([4], seed: 2)
        checkGradients({ $0[0] * $0[0] }, at: [x])
    }
}

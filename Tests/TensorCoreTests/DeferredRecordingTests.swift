import Testing
import TensorCore
import TensorTestSupport

/// `withDeferredRecording`: ops record only after the gate opens.
@Suite struct DeferredRecordingTests {
    @Test func recordingStartsWhenTheGateOpens() {
        // a = 3x is computed before the gate (a leaf); y = sum(a²) after it: dy/da = 2a = 6x.
        let x = Tensor(shape: [2], scalars: [1, 2])
        let (a, y) = withDeferredRecording { gate -> (Tensor, Tensor) in
            let a = x * 3
            #expect(!a.isRecorded)
            #expect(!GradientRecording.isEnabled)
            gate.open()
            #expect(GradientRecording.isEnabled)
            return (a, pow(a, 2).sum())
        }
        #expect(!a.isRecorded && y.isRecorded)
        #expect(gradients(of: y, wrt: [a])[0].scalars == [6, 12])
        // x is before the gate: y does not depend on it through the tape, so its gradient is zeros.
        #expect(gradients(of: y, wrt: [x])[0].scalars == [0, 0])
    }

    @Test func scopesNestAndEnd() {
        withDeferredRecording { gate in
            #expect(GradientRecording.currentGate === gate)
            // withGrad records even before the gate (an explicit request), withNoGrad never does.
            #expect(withGrad { GradientRecording.isEnabled })
            gate.open()
            #expect(!withNoGrad { GradientRecording.isEnabled })
        }
        #expect(GradientRecording.currentGate == nil)
        #expect(GradientRecording.isEnabled)
        // Inside withNoGrad, a deferred scope still records once opened (it asks for a tape).
        withNoGrad {
            withDeferredRecording { gate in
                gate.open()
                #expect(GradientRecording.isEnabled)
            }
            #expect(!GradientRecording.isEnabled)
        }
    }
}

//! Learning-rate schedules: a factor of the base rate as a function of progress.
import Foundation

/// A learning-rate schedule: the factor applied to each group's base rate at `epoch` (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    /// Constant rate.
    case constant
    /// wsolevaluation's step decay: ×`gamma` at the start of every 1-based epoch `e` with
    /// `e % every == 0` (with every = 15, the 15th, 30th and 45th epochs already run decayed).
    case stepDecay(every: Int, gamma: Float)
    /// `(1 − epoch/total)^power` (CI-CAM uses power 0.9).
    case poly(totalEpochs: Int, power: Float)
    /// Cosine annealing from 1 to `minimumFactor` over `totalEpochs`.
    case cosine(totalEpochs: Int, minimumFactor: Float)

    /// The multiplier of the base learning rate during 0-based `epoch`.
    public func factor(epoch: Int) -> Float {
        switch self {
        case .constant:
            return 1
        case .stepDecay(let every, let gamma):
            // 0-based epoch e is the (e+1)-th; decays applied so far = floor((e+1) / every).
            return pow(gamma, Float((epoch + 1) / every))
        case .poly(let total, let power):
            return pow(Swift.max(0, 1 - Float(epoch) / Float(total)), power)
        case .cosine(let total, let minimum):
            let progress = Float(Swift.min(epoch, total)) / Float(total)
            return minimum + (1 - minimum) * 0.5 * (1 + cos(Float.pi * progress))
        }
    }
}

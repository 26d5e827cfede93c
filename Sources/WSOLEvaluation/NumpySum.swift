//! NumPy's summation order, so that sums of floats agree with the reference to the last bit.

/// Sums like `numpy.add.reduce` on a contiguous float64 array: 0 plus NumPy's pairwise sum
/// (blocks of at most 128 elements summed with 8 interleaved accumulators, larger arrays split
/// in halves rounded down to a multiple of 8). Correct for arrays up to NumPy's 8192-element
/// buffer, which is every sum this module takes (the threshold grid has at most ~1000 entries
/// for the default intervals; longer arrays would be summed in 8192-element chunks by NumPy).
func numpySum(_ values: ArraySlice<Double>) -> Double {
    let count = values.count
    let base = values.startIndex
    if count < 8 {
        var sum = 0.0
        for value in values { sum += value }
        return sum
    }
    if count <= 128 {
        var partial = [Double](values[base..<base + 8])
        var index = 8
        while index < count - count % 8 {
            for lane in 0..<8 { partial[lane] += values[base + index + lane] }
            index += 8
        }
        var sum = ((partial[0] + partial[1]) + (partial[2] + partial[3]))
            + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
        while index < count {
            sum += values[base + index]
            index += 1
        }
        return sum
    }
    var half = count / 2
    half -= half % 8
    return numpySum(values[base..<base + half]) + numpySum(values[(base + half)...])
}

func numpySum(_ values: [Double]) -> Double { 0.0 + numpySum(values[...]) }

/// `numpy.average` of a short list (the mean over IoU thresholds for MaxBoxAccV2).
func numpyMean(_ values: [Double]) -> Double { numpySum(values) / Double(values.count) }

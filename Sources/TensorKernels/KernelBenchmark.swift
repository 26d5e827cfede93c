//! Timing helpers for `wsol bench engine`: median wall time of a kernel on random data.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which convolution pass to time.
public enum ConvolutionPass: String, CaseIterable, Sendable {
    case forward, backwardData, backwardWeights
}

/// How repeated timings are summarised. The median is the honest figure on a quiet machine; the
/// minimum estimates the uncontended speed when other processes share the cores.
public enum BenchmarkStatistic: Sendable { case median, minimum }

/// What the timings measure. Wall time is what a user waits for. Process CPU time (all threads)
/// ignores the time other processes hold the cores, so single-threaded runs (`OMP_NUM_THREADS=1`)
/// on a shared machine still give the uncontended speed; with several threads it also counts
/// OpenMP's spin-waiting.
public enum BenchmarkClock: Sendable { case wall, processCPU }

/// Median-of-repeats timings of single kernels. Buffers are allocated and filled once; the first
/// call (primitive creation, page faults) is a warm-up and is not timed.
public enum KernelBenchmark {
    /// Median seconds of one `pass` of `geometry` on `kernels` (bias included in forward and
    /// backward-weights). FLOPs of every pass equal `geometry.forwardFLOPs`.
    public static func conv(
        _ geometry: Conv2dGeometry, pass: ConvolutionPass = .forward,
        kernels: any KernelSet = Kernels.accelerated, repeats: Int = 10,
        statistic: BenchmarkStatistic = .median, clock: BenchmarkClock = .wall
    ) -> Double {
        let buffers = ConvolutionBuffers(geometry)
        return seconds(repeats: repeats, statistic, clock: clock) { buffers.run(pass, on: kernels) }
    }

    /// Median seconds of the oneDNN convolution primitive alone, without the reorders between
    /// plain NCHW and its blocked layouts (`conv(...)` minus this is the reorder cost).
    public static func convPrimitiveOnly(
        _ geometry: Conv2dGeometry, pass: ConvolutionPass = .forward, repeats: Int = 10,
        statistic: BenchmarkStatistic = .median, clock: BenchmarkClock = .wall
    ) -> Double {
        let buffers = ConvolutionBuffers(geometry)
        buffers.run(pass, on: DNNLKernels())  // binds the plan's memories to `buffers`
        let run = DNNLKernels.primitiveOnlyRunner(geometry, pass: pass)
        return withExtendedLifetime(buffers) { seconds(repeats: repeats, statistic, clock: clock, run) }
    }

    /// Median seconds of `C = op(A) op(B)` for row-major m x k by k x n on `kernels`.
    public static func gemm(
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        kernels: any KernelSet = Kernels.accelerated, repeats: Int = 10,
        statistic: BenchmarkStatistic = .median, clock: BenchmarkClock = .wall
    ) -> Double {
        let a = filled(m * k)
        let b = filled(k * n)
        var c = [Float](repeating: 0, count: m * n)
        return seconds(repeats: repeats, statistic, clock: clock) {
            kernels.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, beta: 0, c: &c, ldc: n)
        }
    }

    /// Runs `body` once untimed, then `repeats` timed times; returns the median in seconds.
    public static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        seconds(repeats: repeats, .median, body)
    }

    /// Runs `body` once untimed, then `repeats` timed times; returns `statistic` in seconds.
    public static func seconds(
        repeats: Int, _ statistic: BenchmarkStatistic, clock: BenchmarkClock = .wall, _ body: () -> Void
    ) -> Double {
        if clock == .processCPU { return cpuSeconds(repeats: repeats, statistic, body) }
        body()
        let wallClock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let elapsed = wallClock.measure(body)
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        samples.sort()
        return statistic == .median ? samples[samples.count / 2] : samples[0]
    }

    private static func cpuSeconds(repeats: Int, _ statistic: BenchmarkStatistic, _ body: () -> Void) -> Double {
        func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        }
        body()
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = now()
            body()
            samples.append(now() - start)
        }
        samples.sort()
        return statistic == .median ? samples[samples.count / 2] : samples[0]
    }

    /// Deterministic values in [-1, 1) (a cheap LCG: the benchmark needs data, not randomness).
    static func filled(_ count: Int) -> [Float] {
        var state: UInt32 = 12345
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
    }
}

/// Stable buffers for every tensor of one convolution (the primitive-only timing re-reads them
/// after the call that bound them, so they may not be temporaries).
private final class ConvolutionBuffers {
    let geometry: Conv2dGeometry
    let input, weight, bias, output, outputGradient, inputGradient, weightGradient,
        biasGradient: UnsafeMutablePointer<Float>

    init(_ g: Conv2dGeometry) {
        geometry = g
        func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            pointer.initialize(from: KernelBenchmark.filled(count), count: count)
            return pointer
        }
        input = allocate(g.inputCount)
        weight = allocate(g.weightCount)
        bias = allocate(g.outputChannels)
        output = allocate(g.outputCount)
        outputGradient = allocate(g.outputCount)
        inputGradient = allocate(g.inputCount)
        weightGradient = allocate(g.weightCount)
        biasGradient = allocate(g.outputChannels)
    }

    func run(_ pass: ConvolutionPass, on kernels: any KernelSet) {
        switch pass {
        case .forward:
            kernels.conv2dForward(geometry, input: input, weight: weight, bias: bias, output: output)
        case .backwardData:
            kernels.conv2dBackwardData(
                geometry, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
        case .backwardWeights:
            kernels.conv2dBackwardWeights(
                geometry, input: input, outputGradient: outputGradient,
                weightGradient: weightGradient, biasGradient: biasGradient)
        }
    }

    deinit {
        for pointer in [input, weight, bias, output, outputGradient, inputGradient, weightGradient, biasGradient] {
            pointer.deallocate()
        }
    }
}

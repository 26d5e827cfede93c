import Foundation
import WSOLCLI

// oneDNN runs on libgomp (OpenMP), whose threads spin-wait between parallel regions unless
// OMP_WAIT_POLICY says otherwise. Spinning threads steal the cores from our own Swift loops (and, on
// a shared machine, from everything else): measured, ResNet50 conv passes took 4.8-9.5 s with the
// default and 1.6-2.4 s with a passive policy. libgomp reads the variable only when it is loaded,
// before any Swift code runs, so the executable re-executes itself once with the policy set.
// A user's own OMP_WAIT_POLICY is respected.
if ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] == nil {
    setenv("OMP_WAIT_POLICY", "passive", 1)
    // execv returns only on failure; then the run continues with the default policy.
    execv("/proc/self/exe", CommandLine.unsafeArgv)
}

WSOLCommand.main()

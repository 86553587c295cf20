import ExerciseChecks
import Student
import Testing

@Test("29 · nearest and bilinear resize, and PSNR") func resizePSNRExercise() {
    expectSolved(Checks.resizePSNR(nearest: resizeNearest, bilinear: resizeBilinear, psnr: psnr))
}

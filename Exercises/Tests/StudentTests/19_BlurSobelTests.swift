import ExerciseChecks
import Student
import Testing

@Test("19 · blur and Sobel kernels, per channel") func blurSobelExercise() {
    expectSolved(Checks.blurSobel(blur: binomialBlur, sobel: topSobel, filter: filterPerChannel))
}

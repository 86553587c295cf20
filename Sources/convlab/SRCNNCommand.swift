import ConvLab
import Foundation

let srcnnCommand = CLICommand(
    name: "srcnn", summary: "tutorial #03's super-resolution on MNIST, with PSNR against nearest and bicubic",
    options: trainingApplicationOptions + [
        .flag("json", "end with {\"psnr_nearest\": ..., \"psnr_bicubic\": ..., \"psnr_srcnn\": ...}"),
    ],
    output: .file("srcnn.png"),
    notes: """
      Each 28x28 digit is shrunk to 7x7 (bicubic) and blown up again (nearest); a 3-layer CNN
      (3x3x1x8, 3x3x8x8, 3x3x8x1) learns to undo it with MSE and Adam 1e-3, batch 128. Prints the
      mean per-image PSNR on the test digits of the blocky input, of bicubic upsampling and of SRCNN,
      and writes a picture grid.
    """,
    run: runSRCNN)

/// `convlab srcnn`: trains tutorial #03's SRCNN and reports PSNRs.
func runSRCNN(_ arguments: CLIArguments) throws {
    let run = try TrainingApplicationRun(arguments)
    let (epochs, seed, kernels, train, test, source) = (run.epochs, run.seed, run.kernels, run.train, run.test, run.source)
    print("SRCNN on \(train.shape[0]) training and \(test.shape[0]) test digits (\(source)), \(epochs) epoch(s), Adam 1e-3, batch 128, \(kernels.path) kernels")
    let start = Date()
    let (_, results) = try trainSuperResolution(
        train: train, test: test, epochs: epochs, seed: seed, kernels: kernels, onStep: run.progress(since: start),
        onEpoch: { epoch, loss, scores in
            print(String(format: "epoch %d: mean train MSE %.5f, test PSNR nearest %.2f dB, bicubic %.2f dB, SRCNN %.2f dB",
                         epoch, loss, scores.nearest, scores.bicubic, scores.srcnn) + " (\(secondsSince(start)))")
            fflush(nil)  // every output stream: the epoch line shows even when stdout is a file
        })
    let scores = try results.scores()
    print(String(format: "test PSNR (mean over %d digits, peak 1.0): nearest %.2f dB, bicubic %.2f dB, SRCNN %.2f dB; SRCNN - bicubic = %+.2f dB",
                 scores.testCount, scores.nearest, scores.bicubic, scores.srcnn, scores.srcnn - scores.bicubic))
    let picture = try results.picture(count: 8, scale: 4,
                                      title: "SRCNN (tutorial 03), \(epochs) epoch(s): test digits, PSNR under each")
    let output = try arguments.outputFile()
    try writePicture(picture, to: output)
    print("wrote \(output)")
    if arguments.flag("json") {
        print(String(format: "{\"psnr_nearest\": %.4f, \"psnr_bicubic\": %.4f, \"psnr_srcnn\": %.4f}",
                     scores.nearest, scores.bicubic, scores.srcnn))
    }
}

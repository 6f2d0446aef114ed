package io.convscope.report;

/**
 * The facts at the top of a report.
 *
 * @param modelFile  the model's file name
 * @param modelPath  the model's path as given
 * @param cardName   the model card's name (the file name without extension when the model has no card)
 * @param parameters elements in all the model's parameters
 * @param input      the input the model sees, {@code 3x64x64} (channels x height x width)
 * @param device     where occlusion ran: {@code cpu}, or {@code cuda} (the other steps run on the CPU)
 * @param seconds    wall time of computing and drawing everything
 */
public record ReportHeader(String modelFile, String modelPath, String cardName, long parameters, String input,
                           String device, double seconds) {
}

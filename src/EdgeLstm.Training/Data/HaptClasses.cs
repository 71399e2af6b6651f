namespace EdgeLstm.Training.Data;

/// <summary>
/// Facts of the HAPT dataset (UCI 341 v2.1; Reyes-Ortiz et al., Neurocomputing 171 (2016)
/// 754-767): its channels, its 12 classes (6 activities, then 6 postural transitions) and the
/// standard subject split UCI HAR used.
/// </summary>
public static class HaptClasses
{
    public const float SampleRateHz = 50;

    public static readonly IReadOnlyList<string> Channels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"];
    public static readonly IReadOnlyList<string> Units = ["g", "g", "g", "rad/s", "rad/s", "rad/s"];

    /// <summary>activity_labels.txt lower-cased, in id order (id = index + 1).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "walking", "walking_upstairs", "walking_downstairs", "sitting", "standing", "laying",
        "stand_to_sit", "sit_to_stand", "sit_to_lie", "lie_to_sit", "stand_to_lie", "lie_to_stand",
    ];

    /// <summary>The six activities (the first six classes); the rest are transitions.</summary>
    public const int ActivityCount = 6;

    public static IReadOnlyList<string> Activities => All.Take(ActivityCount).ToArray();

    /// <summary>The 9 test subjects of the standard split; the other 21 train.</summary>
    public static readonly IReadOnlySet<int> TestSubjects = new HashSet<int> { 2, 4, 9, 10, 12, 13, 18, 20, 24 };

    public const string Citation =
        "Reyes-Ortiz, Oneto, Samà, Parra, Anguita, \"Transition-Aware Human Activity Recognition Using Smartphones\", " +
        "Neurocomputing 171 (2016) 754-767; UCI Machine Learning Repository dataset 341, v2.1";

    public const string Notice = "HAPT dataset: publications must cite the article above; any commercial use is prohibited.";
}

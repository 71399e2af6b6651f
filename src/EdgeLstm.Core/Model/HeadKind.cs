namespace EdgeLstm.Core.Model;

/// <summary>What the dense head classifies: `train --head last|attention`.</summary>
public enum HeadKind : byte
{
    /// <summary>The top layer's last hidden state.</summary>
    Last = 0,

    /// <summary>The attention-weighted sum of the top layer's hidden states over the window.</summary>
    Attention = 1,
}

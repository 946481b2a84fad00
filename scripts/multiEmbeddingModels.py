"""thuml/Multi-Embedding's model classes, for the fixture scripts that save checkpoints in its layout.

Copied from thuml/Multi-Embedding (torchfm/layer.py, torchfm/model/dcnv2.py, torchfm/model/awesome.py;
MIT licence), trimmed to what these models use, so the state-dict keys are the repository's own.
Imported by scripts/multiEmbeddingFixtures.py and scripts/interactionFixtures.py.
"""
import numpy as np
import torch


# ---- torchfm/layer.py (thuml/Multi-Embedding) ----
class FeaturesEmbedding(torch.nn.Module):

    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = torch.nn.Embedding(sum(field_dims), embed_dim)
        self.offsets = np.array((0, *np.cumsum(field_dims)[:-1]), dtype=np.int32)
        torch.nn.init.xavier_uniform_(self.embedding.weight.data)

    def forward(self, x):
        x = x + x.new_tensor(self.offsets).unsqueeze(0)
        return self.embedding(x)


class MultiLayerPerceptron(torch.nn.Module):

    def __init__(self, input_dim, embed_dims, dropout, output_layer=True, num_tasks=1):
        super().__init__()
        layers = list()
        for embed_dim in embed_dims:
            layers.append(torch.nn.Linear(input_dim, embed_dim))
            layers.append(torch.nn.BatchNorm1d(embed_dim))
            layers.append(torch.nn.ReLU())
            layers.append(torch.nn.Dropout(p=dropout))
            input_dim = embed_dim
        if output_layer:
            layers.append(torch.nn.Linear(input_dim, num_tasks))
        self.mlp = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.mlp(x)


# ---- torchfm/model/dcnv2.py ----
class CrossNetworkV2(torch.nn.Module):

    def __init__(self, input_dim, num_layers, num_fields, embed_dim):
        super().__init__()
        self.num_layers = num_layers
        self.num_fields = num_fields
        self.embed_dim = embed_dim
        self.input_dim = input_dim
        self.W = torch.nn.ParameterList([torch.nn.Parameter(torch.Tensor(input_dim, input_dim)) for _ in range(num_layers)])
        self.b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(input_dim, )) for _ in range(num_layers)])
        for i in range(num_layers):
            torch.nn.init.xavier_uniform_(self.W[i])

    def forward(self, x):
        x0 = x
        for i in range(self.num_layers):
            x = x.unsqueeze(2)
            xw = torch.matmul(self.W[i], x)
            xw = xw.squeeze(2)
            x = x.squeeze(2)
            x = x0 * (xw + self.b[i]) + x
        return x


class CrossNetworkV2Model(torch.nn.Module):

    def __init__(self, field_dims, embed_dim, num_layers, mlp_dims, dropout):
        super().__init__()
        self.num_fields = len(field_dims)
        self.embed_dim = embed_dim
        self.embedding = FeaturesEmbedding(field_dims, embed_dim)
        self.embed_output_dim = len(field_dims) * embed_dim
        self.cn = CrossNetworkV2(self.embed_output_dim, num_layers, self.num_fields, embed_dim)
        self.mlp = MultiLayerPerceptron(self.embed_output_dim, mlp_dims, dropout, output_layer=False)
        self.linear = torch.nn.Linear(mlp_dims[-1], 1)

    def forward(self, x):
        embed_x = self.embedding(x).view(-1, self.embed_output_dim)
        x_l1 = self.cn(embed_x)
        h_l2 = self.mlp(x_l1)
        p = self.linear(h_l2)
        return torch.sigmoid(p.squeeze(1))


# ---- torchfm/model/awesome.py ----
class MultiDCNnew2(torch.nn.Module):

    def __init__(self, field_dims, embed_dims, num_layers, mlp_dims, dropout):
        super().__init__()
        self.num_fields = len(field_dims)
        self.embeddings = torch.nn.ModuleList([FeaturesEmbedding(field_dims, embed_dim) for embed_dim in embed_dims])
        self.embed_output_dims = [len(field_dims) * embed_dim for embed_dim in embed_dims]
        self.cns = torch.nn.ModuleList([
            torch.nn.Sequential(
                CrossNetworkV2(embed_output_dim, num_layers, self.num_fields, embed_dim),
                MultiLayerPerceptron(embed_output_dim, mlp_dims[:1], dropout, output_layer=False)
            ) for embed_dim, embed_output_dim in zip(embed_dims, self.embed_output_dims)])
        self.mlp = MultiLayerPerceptron(mlp_dims[0], mlp_dims[1:], dropout)

    def forward(self, x):
        x_l1 = torch.stack([cn(embedding(x).view(-1, embed_output_dim))
                            for embedding, embed_output_dim, cn in
                            zip(self.embeddings, self.embed_output_dims, self.cns)], dim=-1)
        x_l1 = x_l1.mean(dim=-1)
        p = self.mlp(x_l1)
        return torch.sigmoid(p.squeeze(1))
